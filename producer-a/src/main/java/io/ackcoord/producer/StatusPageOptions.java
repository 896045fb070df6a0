package io.ackcoord.producer;

/**
 * How the status page and its event stream behave (keys {@code status.*}).
 *
 * @param pushIntervalMillis   how often {@code GET /api/events} pushes a snapshot to each open page
 * @param rateWindowSeconds    how many seconds of per-second rates the chart shows
 * @param recentMax            how many recent re-sends and dead letters are kept for the page
 * @param consumerStaleMillis  silence after which a B's figures are shown as stale
 */
public record StatusPageOptions(long pushIntervalMillis, int rateWindowSeconds, int recentMax,
    long consumerStaleMillis) {
}
