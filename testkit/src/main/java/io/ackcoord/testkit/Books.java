package io.ackcoord.testkit;

import java.util.List;
import java.util.Map;

/**
 * The books of one ackcoord deployment after a run, in the manner of Jepsen's queue checker: what was accepted,
 * what came out, and the four numbers that must be zero.
 *
 * @param accepted         messages A accepted (HTTP 202, or every id on topic 1 when the caller's view is unknown)
 * @param processed        distinct ids with an effect on the results topic
 * @param deadLettered     distinct accepted ids on the dead-letter topic without an effect
 * @param lost             accepted ids with neither an effect nor a dead letter
 * @param duplicateEffects effects beyond the first, summed over ids
 * @param unexpected       effects for ids nobody ever submitted
 * @param stuck            live records in A's ledger (each holds pending messages or ends some) plus records B has
 *                         not committed
 * @param indeterminate    ids submitted but not accepted (the caller saw an error) that were processed anyway:
 *                         allowed, since the caller may retry with the same id; reported, not counted as unexpected
 * @param resends          records on topic 1 beyond one per id: A's re-sends
 * @param replies          replies on topic 2 (each of a batch record's)
 * @param samples          a few offending ids per failing figure, for the report
 */
public record Books(
    int accepted,
    int processed,
    int deadLettered,
    int lost,
    int duplicateEffects,
    int unexpected,
    long stuck,
    int indeterminate,
    long resends,
    long replies,
    Map<String, List<String>> samples) {

  /** Whether lost, duplicate effects, unexpected and stuck are all zero. */
  public boolean clean() {
    return balanced() && duplicateEffects == 0;
  }

  /** Nothing lost, unexpected or stuck; duplicate effects may be there (share mode reports them, see share-groups.md). */
  public boolean balanced() {
    return lost == 0 && unexpected == 0 && stuck == 0;
  }

  /** The one-line verdict: {@code accepted N, processed N, dead-lettered N, lost 0, duplicate effects 0, …}. */
  public String line() {
    return "accepted " + accepted + ", processed " + processed + ", dead-lettered " + deadLettered + ", lost " + lost
        + ", duplicate effects " + duplicateEffects + ", unexpected " + unexpected + ", stuck " + stuck;
  }

  /** What is reported without failing: re-sends, replies, indeterminate submissions, and samples of failures. */
  public String details() {
    StringBuilder sb = new StringBuilder("re-sends " + resends + ", replies " + replies + ", indeterminate "
        + indeterminate);
    samples.forEach((figure, ids) -> sb.append("; ").append(figure).append(" e.g. ").append(ids));
    return sb.toString();
  }
}
