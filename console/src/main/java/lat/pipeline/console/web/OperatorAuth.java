package lat.pipeline.console.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator token and the sessions it opens. The token is kept only as its SHA-256 digest and
 * compared in constant time ({@link MessageDigest#isEqual}); it never reaches a log, a page or an
 * error message. A session is a random id in an HttpOnly, SameSite=Strict cookie, with a second
 * random value that every form that acts must send back (so another site cannot act for the
 * operator). Sessions end after {@link #SESSION_LENGTH}; at most {@link #MAX_SESSIONS} are kept.
 */
public final class OperatorAuth {

  public static final String COOKIE = "console_session";
  static final Duration SESSION_LENGTH = Duration.ofHours(12);
  static final int MAX_SESSIONS = 1_000;

  /** A signed-in operator: {@code formToken} goes into every form that acts. */
  public record Session(String id, String formToken, Instant expires) {}

  private final byte[] tokenDigest;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  public OperatorAuth(String operatorToken, Clock clock) {
    this.tokenDigest = sha256(operatorToken);
    this.clock = clock;
  }

  public boolean isOperatorToken(String presented) {
    return presented != null && MessageDigest.isEqual(sha256(presented), tokenDigest);
  }

  public Session open() {
    Instant now = clock.instant();
    sessions.values().removeIf(session -> session.expires().isBefore(now));
    if (sessions.size() >= MAX_SESSIONS) {
      // The oldest sign-in gives way: memory stays bounded however often someone signs in.
      Iterator<Session> oldest = sessions.values().stream()
          .sorted(java.util.Comparator.comparing(Session::expires)).limit(1).iterator();
      oldest.forEachRemaining(session -> sessions.remove(session.id()));
    }
    Session session = new Session(randomText(), randomText(), now.plus(SESSION_LENGTH));
    sessions.put(session.id(), session);
    return session;
  }

  public Optional<Session> session(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null || session.expires().isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(session);
  }

  private String randomText() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
