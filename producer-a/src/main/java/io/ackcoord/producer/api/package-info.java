/**
 * The doors messages come in by (A1 Accept): {@code POST /api/messages} and its batch form over HTTP, and the event
 * bus for callers in the same Vert.x.
 */
package io.ackcoord.producer.api;
