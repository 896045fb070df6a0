package io.ackcoord.protocol;

/**
 * A record on an ackcoord topic that is not a valid envelope or reply of a version this build understands.
 *
 * <p>Thrown by the codecs; the verticles catch it, count the record, route it to the poison topic and move on, so
 * one bad record never turns into a crash loop.
 */
public final class InvalidRecordException extends Exception {

  /** @param message what was wrong, naming the header or field and the value found */
  public InvalidRecordException(String message) {
    super(message, null, false, false);
  }
}
