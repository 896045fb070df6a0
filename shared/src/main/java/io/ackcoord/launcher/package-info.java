/** How A's and B's processes start: {@link io.ackcoord.launcher.AckcoordLauncher}, behind {@code bin/vertx}. */
package io.ackcoord.launcher;
