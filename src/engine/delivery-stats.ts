/** What a tokf pass's delivery did, for the result. */
export interface DeliveryStats {
  /** Events the endpoint acknowledged. */
  deliveredEvents: number;
  /** Events refused for good in this run and set aside (dead letters). */
  refusedEvents: number;
  /** Points acknowledged but reported rejected through partial_success. */
  rejectedPoints: number;
  /** Events the endpoint refused as older than it keeps, set aside with the file holding them. */
  tooOldForEndpoint: number;
  /** The same, with no file to hold them: they stay pending. */
  tooOldUnsent: number;
  /**
   * Of the delivered events, those the endpoint refused as out of order or duplicate because it
   * already held them: a resend of a request it stored while its answer was lost.
   */
  alreadyHeld: number;
  /**
   * Events never sent before that the endpoint refused because it holds newer samples of their
   * series (delta, logs, spans), set aside with the file holding them, or left pending.
   */
  behindEndpoint: number;
  requests: number;
  failedRequests: number;
  retries: number;
  bytesSent: number;
}
