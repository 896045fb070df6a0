package io.ackcoord.http;

/** Reading a {@code Content-Type} header without allocating more than the media type itself. */
public final class ContentTypes {

  private ContentTypes() {
  }

  /**
   * The media type of {@code contentType}: what comes before any {@code ;} parameters, trimmed, its case as sent
   * (compare with {@code equalsIgnoreCase}); empty for an empty header.
   */
  public static String mediaType(String contentType) {
    int end = contentType.indexOf(';');
    return (end < 0 ? contentType : contentType.substring(0, end)).trim();
  }
}
