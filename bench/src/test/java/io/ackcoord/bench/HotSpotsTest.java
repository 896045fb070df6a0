package io.ackcoord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HotSpotsTest {

  @Test
  @DisplayName("threads that differ only by number are one group")
  void threadGroups() {
    assertThat(HotSpots.threadGroup("vert.x-eventloop-thread-1")).isEqualTo("vert.x-eventloop-thread-N");
    assertThat(HotSpots.threadGroup("kafka-producer-network-thread | ackcoord-a-bench"))
        .isEqualTo("kafka-producer-network-thread | ackcoord-a-bench");
    assertThat(HotSpots.threadGroup(null)).isEqualTo("?");
  }

  @Test
  @DisplayName("the used heap is read from jcmd GC.heap_info")
  void heapInfo() {
    String g1 = " garbage-first heap   total 524288K, used 123456K [0x00000000e0000000, 0x0000000100000000)\n"
        + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n";
    assertThat(Jcmd.usedHeap(g1)).isEqualTo(123_456L * 1024);
    assertThat(PendingCapacity.parseSize("512m")).isEqualTo(512L << 20);
  }
}
