/**
 * Message ids: the rule a caller-chosen id must follow, and the compact string-keyed table (with its hash) that the
 * ledger uses and the tracker's id table shares, so neither depends on the other for it.
 */
package io.ackcoord.producer.ids;
