package lat.pipeline.dev.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One secured KRaft broker per test JVM (SASL_SSL, SCRAM-SHA-512, ACLs; {@link
 * KafkaBroker#startSecured}), started only by test classes that use {@code
 * @ExtendWith(SecuredKafka.class)}, so the rest of the suite keeps the plaintext {@link SharedKafka}.
 * Users and ACLs are made with the admin client; each call returns once the broker applies them.
 */
public final class SecuredKafka implements BeforeAllCallback {

  private static final Duration APPLIED_WITHIN = Duration.ofSeconds(30);
  private static KafkaBroker broker;
  private static Path dataDir;

  /** A SCRAM user of the secured broker, its password in a file as a mounted Secret would hold it. */
  public record User(String name, Path passwordFile) {

    /** The {@code KAFKA_*} variables a service sets to log in as this user. */
    public Map<String, String> env() {
      return SecuredKafka.broker().clientEnv(name, passwordFile);
    }

    /** The clients a service with {@link #env()} builds. */
    public KafkaClients clients() {
      return new KafkaClients(SecuredKafka.broker().bootstrapServers(), KafkaSecurity.fromEnv(new Env(env())));
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SecuredKafka.class, key -> start(), StopAtEnd.class);
  }

  public static synchronized KafkaBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("Annotate the test class with @ExtendWith(SecuredKafka.class)");
    }
    return broker;
  }

  /** Creates (or resets) a SCRAM-SHA-512 user with a random password. */
  public static User createUser(String name) throws IOException, InterruptedException {
    String password = UUID.randomUUID().toString();
    Path passwordFile = Files.writeString(dataDir.resolve(name + ".password"), password);
    try (Admin admin = broker().clients().admin(Map.of())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
          name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get();
      awaitApplied("user " + name, () -> !admin.describeUserScramCredentials(List.of(name)).all().get().isEmpty());
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not create user " + name, e);
    }
    return new User(name, passwordFile);
  }

  /** Allows {@code user} the operations on one resource (a literal name, or a prefix). */
  public static void allow(User user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
      throws InterruptedException {
    allow(user, Map.of(new ResourcePattern(type, name, pattern), List.of(operations)));
  }

  /** Allows {@code user} the operations on each resource, in one request. */
  public static void allow(User user, Map<ResourcePattern, List<AclOperation>> operationsByResource)
      throws InterruptedException {
    List<AclBinding> bindings = operationsByResource.entrySet().stream()
        .flatMap(resource -> resource.getValue().stream().map(op -> new AclBinding(resource.getKey(),
            new AccessControlEntry("User:" + user.name(), "*", op, AclPermissionType.ALLOW))))
        .toList();
    try (Admin admin = broker().clients().admin(Map.of())) {
      admin.createAcls(bindings).all().get();
      AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY,
          new AccessControlEntryFilter("User:" + user.name(), "*", AclOperation.ANY, AclPermissionType.ALLOW));
      awaitApplied("ACLs of " + user.name(), () -> admin.describeAcls(filter).values().get().containsAll(bindings));
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not create the ACLs " + bindings, e);
    }
  }

  /** Takes back what {@link #allow} gave: the operations on one resource. */
  public static void revoke(User user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
      throws InterruptedException {
    ResourcePattern resource = new ResourcePattern(type, name, pattern);
    List<AclBindingFilter> filters = Arrays.stream(operations)
        .map(op -> new AclBindingFilter(resource.toFilter(),
            new AccessControlEntryFilter("User:" + user.name(), "*", op, AclPermissionType.ALLOW)))
        .toList();
    try (Admin admin = broker().clients().admin(Map.of())) {
      admin.deleteAcls(filters).all().get();
      awaitApplied("removal of the ACLs of " + user.name() + " on " + name, () -> {
        for (AclBindingFilter filter : filters) {
          if (!admin.describeAcls(filter).values().get().isEmpty()) {
            return false;
          }
        }
        return true;
      });
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not delete the ACLs " + filters, e);
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitApplied(String what, Condition applied) throws InterruptedException {
    Instant deadline = Instant.now().plus(APPLIED_WITHIN);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (applied.holds()) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception notYet) {
        // the broker has not caught up with the controller yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("The secured broker did not apply the " + what + " within " + APPLIED_WITHIN);
  }

  private static synchronized StopAtEnd start() {
    try {
      dataDir = Files.createTempDirectory("pipeline-test-secured-kafka");
      broker = KafkaBroker.startSecured(dataDir, Ports.free(), Ports.free(), "384m");
      return new StopAtEnd();
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the secured test broker", e);
    }
  }

  /** Stops the broker when the root context closes, i.e. after the last test of the run. */
  static final class StopAtEnd implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      broker.stop();
    }
  }
}
