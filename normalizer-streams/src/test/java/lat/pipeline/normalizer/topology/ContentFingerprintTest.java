package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import lat.pipeline.schemas.CanonicalClasses;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Completeness;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Money;
import lat.pipeline.schemas.canonical.Price;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint decides whether a record is a no-op against the entity's last state, so two
 * records that say different things must never share one: a shared fingerprint drops a real change.
 */
class ContentFingerprintTest {

  @BeforeAll
  static void trustTheCanonicalClasses() {
    CanonicalClasses.trust();
  }

  // Fails on main before this change: the fingerprint hashed "name=value;" text, so a value holding
  // the separators spelled the same text as another split of the fields.
  @Test
  void valuesThatHoldTheSeparatorsDoNotSpellAnotherRecord() {
    assertThat(fingerprint(customer(c -> c.setLegalName("Ana;tradeName=Bo").setTradeName(null))))
        .isNotEqualTo(fingerprint(customer(c -> c.setLegalName("Ana").setTradeName("Bo;tradeName=null"))));
    assertThat(fingerprint(customer(c -> c.setAttributes(Map.of("a", "1,b:2")))))
        .isNotEqualTo(fingerprint(customer(c -> c.setAttributes(Map.of("a", "1", "b", "2")))));
    assertThat(fingerprint(customer(c -> c.setRoles(List.of("client,provider")))))
        .isNotEqualTo(fingerprint(customer(c -> c.setRoles(List.of("client", "provider")))));
  }

  // Fails on main before this change: a null field and the text "null" both hashed as "null".
  @Test
  void aMissingValueDiffersFromTheTextNull() {
    assertThat(fingerprint(customer(c -> c.setCity(null))))
        .isNotEqualTo(fingerprint(customer(c -> c.setCity("null"))));
  }

  @Test
  void whereTheRecordCameFromAndTheKindOfUpdateAreNoChange() {
    Customer first = customer(c -> c.setLegalName("Ana"));
    Customer redelivered = customer(c -> c.setLegalName("Ana").setAttributes(Map.of()));
    redelivered.getMetadata().setEventId("another-delivery");
    redelivered.getMetadata().setRawOffset(99);
    redelivered.getMetadata().setAction(Action.DEACTIVATED);
    assertThat(fingerprint(redelivered)).isEqualTo(fingerprint(first));

    Customer deleted = customer(c -> c.setLegalName("Ana"));
    deleted.getMetadata().setAction(Action.DELETED);
    assertThat(fingerprint(deleted)).isNotEqualTo(fingerprint(first));
  }

  @Test
  void mapOrderAndTrailingZerosOfAnAmountAreNoChange() {
    java.util.LinkedHashMap<String, String> oneOrder = new java.util.LinkedHashMap<>();
    oneOrder.put("a", "1");
    oneOrder.put("b", "2");
    java.util.LinkedHashMap<String, String> otherOrder = new java.util.LinkedHashMap<>();
    otherOrder.put("b", "2");
    otherOrder.put("a", "1");
    assertThat(fingerprint(customer(c -> c.setAttributes(oneOrder))))
        .isEqualTo(fingerprint(customer(c -> c.setAttributes(otherOrder))));
    assertThat(fingerprint(price(new BigDecimal("2500.0000")))).isEqualTo(fingerprint(price(new BigDecimal("2500"))));
    assertThat(fingerprint(price(new BigDecimal("2500.5")))).isNotEqualTo(fingerprint(price(new BigDecimal("2500"))));
  }

  private static String fingerprint(org.apache.avro.specific.SpecificRecord record) {
    return ContentFingerprint.of(record);
  }

  private static Customer customer(UnaryOperator<Customer.Builder> fields) {
    return fields.apply(Customer.newBuilder().setMetadata(metadata()).setId("774")).build();
  }

  private static Price price(BigDecimal amount) {
    return Price.newBuilder().setMetadata(metadata()).setProductId("865").setPriceListId("1")
        .setNet(Money.newBuilder().setAmount(amount).setCurrency("CLP").build()).build();
  }

  private static Metadata metadata() {
    return Metadata.newBuilder()
        .setEventId("delivery-1")
        .setProvider("alegra")
        .setTenant("acme")
        .setSourceEventType("alegra.webhook")
        .setAction(Action.UPDATED)
        .setReceivedAt(Instant.parse("2026-12-01T10:00:00Z"))
        .setRawTopic("raw.alegra")
        .setRawPartition(0)
        .setRawOffset(1)
        .setCompleteness(Completeness.SNAPSHOT)
        .setMappingVersion(3)
        .build();
  }
}
