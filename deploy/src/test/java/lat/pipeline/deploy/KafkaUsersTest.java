package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lat.pipeline.console.ConsoleConfig;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One SCRAM-SHA-512 KafkaUser per client of the tls listener, allowed exactly what it reads and
 * writes: the expectations are built from {@link Topics} and the services' defaults (group ids,
 * application id), so a topic added to the contract without its ACL fails here.
 */
class KafkaUsersTest {

  private static final String WRITE = "Describe,Write";
  private static final String READ = "Describe,Read";
  private static final String READ_WRITE = "Describe,Read,Write";

  /** The normalizer's NORMALIZER_APPLICATION_ID in k8s/base/normalizer.yaml: group, internal topics, transactions. */
  private static final String APPLICATION_ID = "normalizer";
  /** The fetcher's FETCHER_GROUP_ID default. */
  private static final String FETCHER_GROUP = "bsale-fetcher";

  /** Fails on main before this change: there was no KafkaUser (and Strimzi 1.2 would have taken no v1beta2 resource). */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void eachClientHasAScramUserWithExactlyTheAclsItNeeds(String layer) {
    Map<String, KafkaUser> users = KubernetesManifestsTest.render(layer).all(KafkaUser.class).stream()
        .collect(Collectors.toMap(u -> u.getMetadata().getName(), u -> u));
    assertThat(users.keySet()).containsExactlyInAnyOrder("receiver", "normalizer", "bsale-fetcher", "registry", "console");

    assertThat(acls(users.get("receiver"))).as("receiver").containsExactlyInAnyOrderElementsOf(
        topics(Topics.RAW, WRITE));

    assertThat(acls(users.get("normalizer"))).as("normalizer").containsExactlyInAnyOrderElementsOf(concat(
        topics(concat(Topics.RAW, List.of(Topics.RAW_BSALE_RESOURCES)), READ),
        topics(concat(Topics.CANONICAL, List.of(Topics.DLQ_NORMALIZER, Topics.BSALE_FETCH_REQUESTS)), WRITE),
        List.of("topic " + APPLICATION_ID + "-* Create,Delete,Describe,DescribeConfigs,Read,Write",
            "group " + APPLICATION_ID + " " + READ,
            "transactionalId " + APPLICATION_ID + "-* " + WRITE)));

    assertThat(acls(users.get("bsale-fetcher"))).as("bsale-fetcher").containsExactlyInAnyOrder(
        "topic " + Topics.BSALE_FETCH_REQUESTS.name() + " " + READ,
        "group " + FETCHER_GROUP + " " + READ,
        "topic " + Topics.RAW_BSALE_RESOURCES.name() + " " + WRITE,
        // Fails on main before this change: the fetcher could not dead-letter a fetch request.
        "topic " + Topics.DLQ_NORMALIZER.name() + " " + WRITE);

    // Fails on main before this change: the console had no KafkaUser (it was not deployed).
    // It reads every pipeline topic, writes what re-drive and replay give and what it re-drove, and
    // reads how far ./pipeline redrive got without committing there.
    assertThat(acls(users.get("console"))).as("console").containsExactlyInAnyOrderElementsOf(concat(
        topics(concat(Topics.RAW, List.of(Topics.RAW_BSALE_RESOURCES, Topics.BSALE_FETCH_REQUESTS)), READ),
        topics(concat(Topics.CANONICAL, List.of(Topics.DLQ_NORMALIZER)), READ_WRITE),
        List.of("topic " + ConsoleConfig.DEFAULT_RESOLVED_TOPIC + " " + READ_WRITE,
            "group " + Redrive.GROUP + " Describe")));

    assertThat(acls(users.get("registry"))).as("registry").containsExactlyInAnyOrder(
        "topic kafkasql-* Create,Describe,DescribeConfigs,Read,Write",
        "group apicurio-* " + READ);

    users.values().forEach(user -> {
      assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
      assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "pipeline");
    });
  }

  @Test
  void theNormalizersAclsFollowTheApplicationIdItRunsWith() {
    Container normalizer = KubernetesManifestsTest.container(KubernetesManifestsTest.render("base")
        .one(StatefulSet.class, "normalizer").getSpec().getTemplate(), "normalizer");
    assertThat(KubernetesManifestsTest.env(normalizer, "NORMALIZER_APPLICATION_ID")).isEqualTo(APPLICATION_ID);
  }

  /** Each rule as "type name[-*] Op,Op" (sorted operations; "*" marks a prefix); only allow rules from any host. */
  private static List<String> acls(KafkaUser user) {
    KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
    return authorization.getAcls().stream().map(rule -> {
      assertThat(rule.getType()).isEqualTo(AclRuleType.ALLOW);
      assertThat(rule.getHost()).isEqualTo("*");
      return resource(rule) + " " + rule.getOperations().stream().map(StrimziAclOperation::toValue)
          .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
    }).toList();
  }

  private static String resource(AclRule rule) {
    return switch (rule.getResource()) {
      case AclRuleTopicResource t -> "topic " + t.getName() + suffix(t.getPatternType().toValue());
      case AclRuleGroupResource g -> "group " + g.getName() + suffix(g.getPatternType().toValue());
      case AclRuleTransactionalIdResource x -> "transactionalId " + x.getName() + suffix(x.getPatternType().toValue());
      default -> "unexpected " + rule.getResource();
    };
  }

  private static String suffix(String patternType) {
    return patternType.equals("prefix") ? "*" : "";
  }

  private static List<String> topics(Collection<? extends Topic<?, ?>> topics, String operations) {
    return topics.stream().map(t -> "topic " + t.name() + " " + operations).toList();
  }

  @SafeVarargs
  private static <T> List<T> concat(Collection<? extends T>... parts) {
    return Stream.of(parts).<T>flatMap(Collection::stream).toList();
  }
}
