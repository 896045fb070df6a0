/** Handlers that ship with B, written against the public SPI alone, so each could live in a user's project. */
package io.ackcoord.consumer.handler;
