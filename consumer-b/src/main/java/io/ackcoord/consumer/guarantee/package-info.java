/**
 * The processing guarantee, one strategy per mode (B6 Settle, B7 Commit): at-least-once and exactly-once, each with
 * the Effects its handlers write through. Each class's Javadoc states the guarantee it gives.
 */
package io.ackcoord.consumer.guarantee;
