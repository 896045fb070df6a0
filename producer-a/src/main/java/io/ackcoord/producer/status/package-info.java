/**
 * What A shows about itself: the status page and its JSON API, the server-sent event stream, message listings,
 * Prometheus metrics, latency and rates, and the consumers' reports read from the stats topic.
 */
package io.ackcoord.producer.status;
