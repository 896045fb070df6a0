package io.ackcoord.consumer.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessedIdsTest {

  private static final TopicPartition P0 = new TopicPartition("messages", 0);
  private static final TopicPartition P1 = new TopicPartition("messages", 1);
  private static final TopicPartition P2 = new TopicPartition("messages", 2);

  @Test
  @DisplayName("an added id is contained, an unknown one is not")
  void containsAdded() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add(P0, "a");

    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isFalse();
  }

  @Test
  @DisplayName("beyond capacity the least recently used id is forgotten")
  void evictsLeastRecentlyUsed() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add(P0, "a");
    ids.add(P0, "b");
    assertThat(ids.contains("a")).isTrue(); // a is now more recent than b

    ids.add(P0, "c");

    assertThat(ids.contains("b")).isFalse();
    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("c")).isTrue();
    assertThat(ids.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("without lookups, ids are evicted in the order they were added")
  void evictsInInsertionOrder() {
    ProcessedIds ids = new ProcessedIds(3);
    ids.add(P0, "a");
    ids.add(P1, "b");
    ids.add(P0, "c");

    ids.add(P0, "d");
    ids.add(P0, "e");

    assertThat(ids.size()).isEqualTo(3);
    assertThat(ids.contains("c")).isTrue();
    assertThat(ids.contains("d")).isTrue();
    assertThat(ids.contains("e")).isTrue();
    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isFalse();
  }

  @Test
  @DisplayName("adding a known id again makes it the most recent")
  void reAddRefreshes() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add(P0, "a");
    ids.add(P0, "b");
    ids.add(P0, "a");

    ids.add(P0, "c");

    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isFalse();
  }

  @Test
  @DisplayName("adding an id twice keeps one entry")
  void addTwice() {
    ProcessedIds ids = new ProcessedIds(2);
    ids.add(P0, "a");
    ids.add(P0, "a");

    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("capacity 1 remembers only the last id")
  void capacityOne() {
    ProcessedIds ids = new ProcessedIds(1);
    ids.add(P0, "a");
    ids.add(P0, "b");

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.size()).isEqualTo(1);
    ids.add(P0, "b");
    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("the largest capacity, with the fewest slot bits left for tags, finds what it holds and nothing else")
  void largestCapacity() {
    ProcessedIds ids = new ProcessedIds(ProcessedIds.MAX_CAPACITY);
    for (int i = 0; i < 5000; i++) {
      ids.add(P0, "id-" + i);
    }

    for (int i = 0; i < 10_000; i++) {
      assertThat(ids.contains("id-" + i)).as("id-%d", i).isEqualTo(i < 5000);
    }
    assertThat(ids.size()).isEqualTo(5000);
  }

  @Test
  @DisplayName("capacity below 1 is refused")
  void badCapacity() {
    assertThatThrownBy(() -> new ProcessedIds(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("forgetting a partition drops its ids and keeps the others")
  void forgetPartition() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add(P0, "a");
    ids.add(P1, "b");

    ids.forget(Set.of(P0));

    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an evicted id is gone from its partition too: forgetting the partition later changes nothing else")
  void evictionKeepsIndex() {
    ProcessedIds ids = new ProcessedIds(1);
    ids.add(P0, "a");
    ids.add(P1, "b"); // evicts a

    ids.forget(Set.of(P0));

    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an id added again from another partition belongs to that one")
  void reAddMovesPartition() {
    ProcessedIds ids = new ProcessedIds(10);
    ids.add(P0, "a");
    ids.add(P1, "a");

    ids.forget(Set.of(P0));
    assertThat(ids.contains("a")).isTrue();

    ids.forget(Set.of(P1));
    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.size()).isZero();
  }

  @Test
  @DisplayName("after forgetting, the partition's ids can be added again and the freed room is used first")
  void forgetThenReAdd() {
    ProcessedIds ids = new ProcessedIds(3);
    ids.add(P0, "a");
    ids.add(P1, "b");
    ids.add(P0, "c");
    ids.forget(Set.of(P0, P2));

    ids.add(P0, "a");
    ids.add(P2, "d");

    assertThat(ids.size()).isEqualTo(3);
    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.contains("c")).isFalse();
    assertThat(ids.contains("d")).isTrue();
  }

  @Test
  @DisplayName("grows past its first arrays up to the capacity and keeps every id")
  void grows() {
    ProcessedIds ids = new ProcessedIds(5000);
    for (int i = 0; i < 6000; i++) {
      ids.add(i % 2 == 0 ? P0 : P1, "id-" + i);
    }

    assertThat(ids.size()).isEqualTo(5000);
    for (int i = 0; i < 6000; i++) {
      assertThat(ids.contains("id-" + i)).as("id-%d", i).isEqualTo(i >= 1000);
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1} ids, seed {2}")
  @CsvSource({"1, 4, 1", "3, 8, 2", "7, 12, 3", "16, 40, 4", "64, 100, 5", "1500, 3000, 6", "1024, 2500, 7"})
  @DisplayName("behaves like an access-ordered LinkedHashMap over random operations")
  void matchesModel(int capacity, int idSpace, long seed) {
    checkAgainstModel(capacity, idSpace, seed, false);
  }

  @ParameterizedTest(name = "capacity {0}, {1} ids, seed {2}")
  @CsvSource({"1, 4, 11", "3, 8, 12", "16, 40, 14", "1500, 3000, 16", "2048, 5000, 17"})
  @DisplayName("behaves like an access-ordered LinkedHashMap when ids and fingerprints are mixed at random")
  void matchesModelMixingFingerprints(int capacity, int idSpace, long seed) {
    checkAgainstModel(capacity, idSpace, seed, true);
  }

  /** Random operations on a store and on a model; with {@code mixed}, half of them go by fingerprint. */
  private static void checkAgainstModel(int capacity, int idSpace, long seed, boolean mixed) {
    Random random = new Random(seed);
    Fingerprints fingerprints = new Fingerprints();
    ProcessedIds ids = new ProcessedIds(capacity);
    Map<String, TopicPartition> model = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TopicPartition> eldest) {
        return size() > capacity;
      }
    };
    TopicPartition[] partitions = {P0, P1, P2, new TopicPartition("other", 0)};
    for (int op = 0; op < 35_000; op++) {
      String id = "id-" + random.nextInt(idSpace);
      int kind = random.nextInt(100);
      boolean byFingerprint = mixed && random.nextBoolean();
      long high = fingerprints.high(id);
      long low = fingerprints.low();
      if (kind < 45) {
        boolean found = byFingerprint ? ids.contains(high, low) : ids.contains(id);
        assertThat(found).as("op %d contains %s", op, id).isEqualTo(model.get(id) != null);
      } else if (kind < 99) {
        TopicPartition tp = partitions[random.nextInt(partitions.length)];
        if (byFingerprint) {
          ids.add(tp, high, low);
        } else {
          ids.add(tp, id);
        }
        model.put(id, tp);
      } else {
        Set<TopicPartition> revoked = new HashSet<>();
        revoked.add(partitions[random.nextInt(partitions.length)]);
        revoked.add(partitions[random.nextInt(partitions.length)]);
        ids.forget(revoked);
        model.values().removeIf(revoked::contains);
      }
      assertThat(ids.size()).as("op %d size", op).isEqualTo(model.size());
    }
  }

  @Test
  @DisplayName("an id added by fingerprint is found by id, and one added by id is found by fingerprint")
  void fingerprintsAndIdsAgree() {
    Fingerprints fingerprints = new Fingerprints();
    ProcessedIds ids = new ProcessedIds(10);
    long aHigh = fingerprints.high("a");
    long aLow = fingerprints.low();
    ids.add(P0, aHigh, aLow);
    ids.add(P0, "b");

    assertThat(ids.contains("a")).isTrue();
    long bHigh = fingerprints.high("b");
    assertThat(ids.contains(bHigh, fingerprints.low())).isTrue();
    assertThat(ids.contains(aLow, aHigh)).as("the halves swapped").isFalse();
    assertThat(ids.contains(fingerprints.high("c"), fingerprints.low())).isFalse();
    ids.add(P1, "a");
    assertThat(ids.size()).as("the same id either way is one entry").isEqualTo(2);
  }

  @Test
  @DisplayName("every store of the process takes the same fingerprint for an id: one hash serves them all")
  void storesShareTheKey() {
    ProcessedIds dedupe = new ProcessedIds(10);
    ProcessedIds written = new ProcessedIds(10);
    dedupe.add(P0, "a");
    written.add(P0, "a");
    Fingerprints once = new Fingerprints();
    long high = once.high("a");
    long low = once.low();

    assertThat(dedupe.contains(high, low)).isTrue();
    assertThat(written.contains(high, low)).isTrue();
  }

  @Test
  @DisplayName("a full store allocates nothing per add or lookup")
  void noAllocationWhenFull() {
    int capacity = 50_000;
    String[] distinct = distinctIds(2 * capacity);
    ProcessedIds ids = new ProcessedIds(capacity);

    // Each id was evicted capacity adds ago: a miss, an insert and an eviction every time.
    double perAdd = bytesAllocatedPerCall(distinct.length, i -> {
      String id = distinct[i % distinct.length];
      ids.contains(id);
      ids.add(P0, id);
    });

    assertThat(ids.size()).isEqualTo(capacity);
    assertThat(perAdd).as("bytes allocated per add").isLessThan(16);
  }

  @Test
  @DisplayName("hashing once for two full stores allocates nothing per message")
  void noAllocationByFingerprint() {
    int capacity = 50_000;
    String[] distinct = distinctIds(2 * capacity);
    ProcessedIds dedupe = new ProcessedIds(capacity);
    ProcessedIds written = new ProcessedIds(capacity);
    Fingerprints fingerprints = new Fingerprints();

    double perMessage = bytesAllocatedPerCall(distinct.length,
        i -> message(distinct[i % distinct.length], fingerprints, dedupe, written));

    assertThat(dedupe.size()).isEqualTo(capacity);
    assertThat(written.size()).isEqualTo(capacity);
    assertThat(perMessage).as("bytes allocated per message").isLessThan(16);
  }

  private static String[] distinctIds(int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = UUID.randomUUID().toString();
    }
    return ids;
  }

  /**
   * Bytes this thread allocates per call of {@code call} over 1,000,000 calls, after 4 × {@code warmUp} calls that
   * let the arrays grow and the code be compiled.
   */
  private static double bytesAllocatedPerCall(int warmUp, IntConsumer call) {
    for (int i = 0; i < 4 * warmUp; i++) {
      call.accept(i);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int calls = 1_000_000;
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      call.accept(i);
    }
    return (double) (threads.getThreadAllocatedBytes(thread) - before) / calls;
  }

  /** What B does for a new message: one hash, then a miss and an add in each store. */
  private static void message(String id, Fingerprints fingerprints, ProcessedIds dedupe, ProcessedIds written) {
    long high = fingerprints.high(id);
    long low = fingerprints.low();
    if (!dedupe.contains(high, low) && !written.contains(high, low)) {
      written.add(P0, high, low);
    }
    dedupe.add(P0, high, low);
  }
}
