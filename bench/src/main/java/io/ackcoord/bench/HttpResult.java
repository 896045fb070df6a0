package io.ackcoord.bench;

/**
 * One HTTP phase, as wrk measured it: a closed loop of {@code connections} keep-alive connections, each sending its
 * next request as soon as the answer to its last one came.
 *
 * @param system          the server: A or the bridge
 * @param endpoint        what was posted
 * @param connections     wrk's keep-alive connections, each with one request at a time (HTTP/1.1, no pipelining)
 * @param itemsPerRequest messages per request: 1 for a single POST, the batch size for a batch
 * @param seconds         wrk's measured duration
 * @param requests        requests answered
 * @param accepted        messages accepted (202 for a single POST; the batch answer's {@code accepted})
 * @param refused         messages not accepted in an answered request
 * @param errors          wrk's socket errors and timeouts (requests never answered)
 * @param p50Ms           median latency of a request (a whole batch for a batch), ms
 * @param p99Ms           99th percentile, ms
 * @param p999Ms          99.9th percentile, ms
 * @param maxMs           largest, ms
 * @param cpu             CPU of the run's processes during the phase, against the messages accepted
 */
public record HttpResult(String system, Endpoint endpoint, int connections, int itemsPerRequest, double seconds,
    long requests, long accepted, long refused, long errors, double p50Ms, double p99Ms, double p999Ms,
    double maxMs, CpuUse cpu) {

  /** The two write requests A takes, and the bridge takes alike. */
  public enum Endpoint {
    SINGLE("single", "POST /api/messages"),
    BATCH("batch", "POST /api/messages/batch");

    private final String mode;
    private final String request;

    Endpoint(String mode, String request) {
      this.mode = mode;
      this.request = request;
    }

    /** The first argument of the wrk script. */
    String mode() {
      return mode;
    }

    /** The request, as the report names it. */
    public String request() {
      return request;
    }
  }

  /** Messages accepted per second. */
  public double perSecond() {
    return seconds <= 0 ? Double.NaN : accepted / seconds;
  }
}
