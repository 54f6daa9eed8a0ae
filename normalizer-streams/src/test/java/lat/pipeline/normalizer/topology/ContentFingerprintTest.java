package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.providers.alegra.AlegraMapper;
import lat.pipeline.schemas.CanonicalClasses;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Price;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint decides whether a record is a no-op against the entity's last state, so two
 * records that say different things must never share one: a shared fingerprint drops a real change.
 */
class ContentFingerprintTest {

  private static final String ALEGRA_CLIENT = "new-client.json";
  private static final String ALEGRA_ITEM = "new-item.json";

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
    first.getMetadata().setAction(Action.UPDATED);
    Customer redelivered = customer(c -> c.setLegalName("Ana"));
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
    LinkedHashMap<String, String> oneOrder = new LinkedHashMap<>();
    oneOrder.put("a", "1");
    oneOrder.put("b", "2");
    LinkedHashMap<String, String> otherOrder = new LinkedHashMap<>();
    otherOrder.put("b", "2");
    otherOrder.put("a", "1");
    assertThat(fingerprint(customer(c -> c.setAttributes(oneOrder))))
        .isEqualTo(fingerprint(customer(c -> c.setAttributes(otherOrder))));
    assertThat(fingerprint(price(new BigDecimal("2500.0000")))).isEqualTo(fingerprint(price(new BigDecimal("2500"))));
    assertThat(fingerprint(price(new BigDecimal("2500.5")))).isNotEqualTo(fingerprint(price(new BigDecimal("2500"))));
  }

  private static String fingerprint(SpecificRecord record) {
    return ContentFingerprint.of(record);
  }

  /** The customer of Alegra's new-client sample, as the mapper makes it, with some fields changed. */
  private static Customer customer(UnaryOperator<Customer.Builder> fields) {
    return fields.apply(Customer.newBuilder((Customer) first(ALEGRA_CLIENT, CanonicalEntity.CUSTOMER))).build();
  }

  /** The first price of Alegra's new-item sample, with its net amount changed. */
  private static Price price(BigDecimal amount) {
    Price price = Price.newBuilder((Price) first(ALEGRA_ITEM, CanonicalEntity.PRICE)).build();
    price.getNet().setAmount(amount);
    return price;
  }

  private static SpecificRecord first(String sample, CanonicalEntity entity) {
    RawEvent event = TestEvents.raw("alegra", TestEvents.genericType("alegra"), Fixtures.read(Fixtures.shared("alegra", sample)));
    return MappingAssertions.mapped(new AlegraMapper(TestEvents.SETTINGS).map(event)).stream()
        .filter(record -> record.entity() == entity).findFirst().orElseThrow().value();
  }
}
