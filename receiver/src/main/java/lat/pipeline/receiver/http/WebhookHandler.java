package lat.pipeline.receiver.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import lat.pipeline.receiver.auth.ClientAddress;
import lat.pipeline.receiver.auth.CredentialStore;
import lat.pipeline.receiver.auth.FailedAuthLimiter;
import lat.pipeline.receiver.auth.ObumaSignature;
import lat.pipeline.receiver.durability.EventIds;
import lat.pipeline.receiver.durability.IncomingWebhook;
import lat.pipeline.receiver.durability.BrokerRefusal.RefusedForGood;
import lat.pipeline.receiver.durability.RawEventPublisher;
import lat.pipeline.receiver.durability.RawEventPublisher.Durability;
import lat.pipeline.receiver.health.ReceiverMetrics;
import lat.pipeline.receiver.health.ReceiverMetrics.Outcome;
import lat.pipeline.receiver.health.TrafficWatchdog;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path: authenticate, read the bounded body, hand the record to the producer, answer on
 * the acknowledgement. Nothing else runs here.
 */
final class WebhookHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
  private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._~:-]{1,128}");
  private static final String BEARER = "Bearer ";

  private final CredentialStore credentials;
  private final ClientAddress clientAddress;
  private final FailedAuthLimiter failedAuth;
  private final Duration obumaMaxSkew;
  private final RawEventPublisher publisher;
  private final ReceiverMetrics metrics;
  private final TrafficWatchdog watchdog;
  private final int maxBodyBytes;
  private final String retryAfterSeconds;
  private final Executor answers;

  WebhookHandler(
      CredentialStore credentials,
      ClientAddress clientAddress,
      FailedAuthLimiter failedAuth,
      Duration obumaMaxSkew,
      RawEventPublisher publisher,
      ReceiverMetrics metrics,
      TrafficWatchdog watchdog,
      int maxBodyBytes,
      int retryAfterSeconds,
      Executor answers) {
    this.credentials = credentials;
    this.clientAddress = clientAddress;
    this.failedAuth = failedAuth;
    this.obumaMaxSkew = obumaMaxSkew;
    this.publisher = publisher;
    this.metrics = metrics;
    this.watchdog = watchdog;
    this.maxBodyBytes = maxBodyBytes;
    this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
    this.answers = answers;
  }

  void receive(Context ctx) throws IOException {
    long started = System.nanoTime();
    String provider = ctx.pathParam("provider");
    Topic<String, byte[]> topic = Topics.rawFor(provider).orElse(null);
    if (topic == null) {
      metrics.count("unknown", Outcome.UNKNOWN_PROVIDER);
      throw new NotFoundResponse("Unknown provider");
    }
    String tenant = ctx.pathParam("tenant");
    String eventKey = ctx.pathParamMap().get("event");
    if (!PATH_SEGMENT.matcher(tenant).matches() || (eventKey != null && !PATH_SEGMENT.matcher(eventKey).matches())) {
      metrics.count(provider, Outcome.BAD_REQUEST);
      throw new BadRequestResponse("Tenant and event key may hold only letters, digits and . _ ~ : -");
    }
    String caller = clientAddress.resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    // Credentials first: a request that holds them is never refused for what others got wrong.
    if (!credentials.tokenMatches(provider, tenant, presentedToken(ctx))) {
      refuseFailedLogin(ctx, provider, caller, "Wrong or missing credentials");
    }
    byte[] body = readBoundedBody(ctx, provider);
    if (body.length == 0) {
      // Alegra checks a new subscription URL with an empty POST: answer it, store nothing (it is traffic).
      metrics.count(provider, Outcome.EMPTY);
      watchdog.arrived(provider, tenant);
      ctx.json(Map.of("stored", false));
      return;
    }
    if (provider.equals("obuma")) {
      ObumaSignature.Verdict verdict = obumaSignature(tenant, body, ctx);
      if (verdict == ObumaSignature.Verdict.VALID_UNREADABLE_DATE) {
        metrics.obumaUnreadableEventDate();
      } else if (verdict == ObumaSignature.Verdict.STALE) {
        // Signed with the right key: a date outside the skew is a replay or a clock, not a guess.
        metrics.count(provider, Outcome.UNAUTHORIZED);
        throw new UnauthorizedResponse("OBUMA signature refused: " + verdict.reason);
      } else if (!verdict.accepted()) {
        refuseFailedLogin(ctx, provider, caller, "OBUMA signature refused: " + verdict.reason);
      }
    }
    watchdog.arrived(provider, tenant);
    IncomingWebhook webhook =
        new IncomingWebhook(
            EventIds.next(),
            topic,
            provider,
            tenant,
            eventKey,
            contentTypeOf(ctx),
            Instant.now(),
            TraceContexts.of(ctx),
            body);
    // The acknowledgement arrives on the producer's one I/O thread: writing the answers of a whole
    // batch there would hold up the next produce request, so they are written on the server's threads.
    ctx.future(() -> publisher.publish(webhook).handleAsync((durability, failure) -> {
      Throwable error = failure instanceof CompletionException ? failure.getCause() : failure;
      if (error == null) {
        metrics.durable(provider, Duration.ofNanos(System.nanoTime() - started));
        metrics.count(provider, durability == Durability.SPOOLED ? Outcome.SPOOLED : Outcome.STORED);
        ctx.contentType("application/json").result("{\"id\":\"" + webhook.id() + "\"}");
      } else if (error instanceof RefusedForGood) {
        // Retrying cannot help until an operator fixes the topic or the ACLs: never a 200, never the spool.
        metrics.count(provider, Outcome.REFUSED);
        LOG.error("The broker refuses a {} webhook of tenant {} for good: {}", provider, tenant, error.toString());
        ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
            .json(Map.of("error", "The event was not stored: " + error.getMessage()));
      } else {
        metrics.count(provider, Outcome.UNAVAILABLE);
        LOG.warn("Could not make a {} webhook for tenant {} durable: {}", provider, tenant, error.toString());
        ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header(Header.RETRY_AFTER, retryAfterSeconds)
            .json(Map.of("error", "The event could not be made durable; retry later"));
      }
      return null;
    }, answers));
  }

  /** A failed login: 429 while the caller (or everyone together) has used up its failures, else 401. */
  private void refuseFailedLogin(Context ctx, String provider, String caller, String reason) {
    if (failedAuth.isBlocked(caller)) {
      metrics.count(provider, Outcome.RATE_LIMITED);
      ctx.header(Header.RETRY_AFTER, "60");
      throw new HttpResponseException(HttpStatus.TOO_MANY_REQUESTS.getCode(), "Too many failed authentications");
    }
    failedAuth.recordFailure(caller);
    metrics.count(provider, Outcome.UNAUTHORIZED);
    throw new UnauthorizedResponse(reason);
  }

  /** Valid when the tenant has no API key configured: then the token alone authenticates. */
  private ObumaSignature.Verdict obumaSignature(String tenant, byte[] body, Context ctx) {
    return credentials
        .obumaApiKey(tenant)
        .map(apiKey -> ObumaSignature.verify(apiKey, body, ctx.header(ObumaSignature.HEADER), Instant.now(), obumaMaxSkew))
        .orElse(ObumaSignature.Verdict.VALID);
  }

  /**
   * Runs before routing: Javalin decodes path parameters while it matches a route, and a malformed
   * percent-encoding would surface there as a server error rather than the caller's 400.
   */
  void rejectMalformedPath(Context ctx) {
    if (!wellFormedPercentEncoding(ctx.path())) {
      metrics.count("unknown", Outcome.BAD_REQUEST);
      throw new BadRequestResponse("Malformed percent-encoding in the path");
    }
  }

  /** Every {@code %} is followed by two hex digits (a loop: a regex over a long path would recurse deeply). */
  private static boolean wellFormedPercentEncoding(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '%') {
        if (i + 2 >= path.length()
            || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  private static String presentedToken(Context ctx) {
    String header = ctx.header("X-Webhook-Token");
    if (header != null) {
      return header;
    }
    String authorization = ctx.header(Header.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return ctx.queryParam("token");
  }

  /** Reads at most the limit; a longer body, declared or streamed (chunked), is answered 413. */
  private byte[] readBoundedBody(Context ctx, String provider) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      metrics.count(provider, Outcome.TOO_LARGE);
      throw new PayloadTooLargeResponse(maxBodyBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        metrics.count(provider, Outcome.TOO_LARGE);
        throw new PayloadTooLargeResponse(maxBodyBytes);
      }
      return body;
    }
  }

  private static String contentTypeOf(Context ctx) {
    String contentType = ctx.contentType();
    return contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
  }
}
