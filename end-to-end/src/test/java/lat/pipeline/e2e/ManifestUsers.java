package lat.pipeline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import lat.pipeline.dev.testing.SecuredKafka;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The services' Kafka users as {@code k8s/base/kafka-users.yaml} declares them, made on the secured
 * test broker through {@link SecuredKafka}: the same ACLs, read from the manifest itself, so the test
 * proves the manifest grants what the services need and no more.
 */
final class ManifestUsers {

  private static final Path MANIFEST = Path.of("..", "k8s", "base", "kafka-users.yaml");

  /** One ACL of a KafkaUser: a resource and the operations allowed on it. */
  record Acl(ResourceType type, String name, PatternType pattern, List<AclOperation> operations) {}

  private ManifestUsers() {}

  /** The KafkaUser {@code manifestName} as user {@code brokerName}, with each of its ACLs {@code keep} lets through. */
  static SecuredKafka.User create(String manifestName, String brokerName, Predicate<Acl> keep) throws Exception {
    SecuredKafka.User user = SecuredKafka.createUser(brokerName);
    Map<ResourcePattern, List<AclOperation>> allowed = new LinkedHashMap<>();
    acls(manifestName).stream().filter(keep)
        .forEach(acl -> allowed.put(new ResourcePattern(acl.type(), acl.name(), acl.pattern()), acl.operations()));
    SecuredKafka.allow(user, allowed);
    return user;
  }

  static SecuredKafka.User create(String manifestName) throws Exception {
    return create(manifestName, manifestName, acl -> true);
  }

  static List<Acl> acls(String manifestName) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser = new YAMLFactory().createParser(MANIFEST.toFile())) {
      for (JsonNode document : yaml.readValues(parser, JsonNode.class).readAll()) {
        if (document.path("kind").asText().equals("KafkaUser") && document.at("/metadata/name").asText().equals(manifestName)) {
          List<Acl> acls = new ArrayList<>();
          for (JsonNode acl : document.at("/spec/authorization/acls")) {
            JsonNode resource = acl.get("resource");
            List<AclOperation> operations = new ArrayList<>();
            acl.get("operations").forEach(op -> operations.add(AclOperation.valueOf(constant(op.asText()))));
            acls.add(new Acl(ResourceType.valueOf(constant(resource.get("type").asText())), resource.get("name").asText(),
                pattern(resource.get("patternType").asText()), operations));
          }
          return acls;
        }
      }
    }
    throw new IllegalArgumentException("No KafkaUser " + manifestName + " in " + MANIFEST);
  }

  /** Strimzi's literal or prefix. */
  private static PatternType pattern(String strimzi) {
    return switch (strimzi) {
      case "literal" -> PatternType.LITERAL;
      case "prefix" -> PatternType.PREFIXED;
      default -> throw new IllegalArgumentException("Unknown patternType " + strimzi + " in " + MANIFEST);
    };
  }

  /** Strimzi's camel case (transactionalId, DescribeConfigs) as Kafka's constant (TRANSACTIONAL_ID, DESCRIBE_CONFIGS). */
  private static String constant(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }
}
