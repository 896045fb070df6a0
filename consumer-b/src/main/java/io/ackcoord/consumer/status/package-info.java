/** B's figures: the counters, B's own HTTP status routes, and the reports it publishes for A's status page. */
package io.ackcoord.consumer.status;
