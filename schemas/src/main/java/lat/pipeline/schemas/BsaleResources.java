package lat.pipeline.schemas;

/**
 * The shape of {@code raw.bsale.resources}, written by the fetcher and read by the normalizer. Key:
 * the tenant. Headers: the notification's raw {@code ce_*} headers and {@code tenant}, plus
 * {@link #DELIVERY_ID}. Value: a JSON envelope
 *
 * <pre>{@code
 * {"notification": {..as received..}, "request": "/v1/...", "status": 200,
 *  "fetchedAt": "RFC 3339", "body": {..the API's answer, or null..},
 *  "details": [..document lines, documents only..], "coalesced": 0,
 *  "coalescedActions": ["post", "put"], "error": null}
 * }</pre>
 *
 * {@code status} 0 means no HTTP answer (timeouts until the wait bound), with {@code error} saying
 * why; {@code coalesced} counts the later notifications for the same resource this fetch answers,
 * {@code coalescedActions} lists the actions of all of them (so a post answered with a later put's
 * fetch still says the resource was created).
 */
public final class BsaleResources {

  /** Header: the notification's delivery id (cpnId, topic, resourceId, action, send, scope), scoped by tenant. */
  public static final String DELIVERY_ID = "bsale_delivery_id";

  public static final String NOTIFICATION = "notification";
  public static final String REQUEST = "request";
  public static final String STATUS = "status";
  public static final String FETCHED_AT = "fetchedAt";
  public static final String BODY = "body";
  public static final String DETAILS = "details";
  public static final String COALESCED = "coalesced";
  public static final String COALESCED_ACTIONS = "coalescedActions";
  public static final String ERROR = "error";

  private BsaleResources() {}
}
