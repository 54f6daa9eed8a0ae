package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Completeness;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Money;
import lat.pipeline.schemas.canonical.Price;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.io.BinaryEncoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The canonical serde's datum cache: one writer and reader per schema, each for its own schema. */
class SchemaKeyedDatumProviderTest {

  @BeforeAll
  static void trustTheCanonicalClasses() {
    CanonicalClasses.trust();
  }

  @Test
  void eachSchemaKeepsItsOwnWriterAndReaderAndRecordsRoundTrip() throws IOException {
    SchemaKeyedDatumProvider<SpecificRecord> provider = new SchemaKeyedDatumProvider<>();
    provider.setUseSpecificAvroReader(true);
    Customer customer = Customer.newBuilder().setMetadata(metadata()).setId("774").setLegalName("Ana").build();
    Price price = Price.newBuilder().setMetadata(metadata()).setProductId("865").setPriceListId("1")
        .setNet(Money.newBuilder().setAmount(new BigDecimal("2500.0000")).setCurrency("CLP").build()).build();

    assertThat(provider.createDatumWriter(customer, Customer.getClassSchema()))
        .isSameAs(provider.createDatumWriter(customer, Customer.getClassSchema()))
        .isNotSameAs(provider.createDatumWriter(price, Price.getClassSchema()));
    assertThat(provider.createDatumReader(Customer.getClassSchema()))
        .isSameAs(provider.createDatumReader(Customer.getClassSchema()))
        .isNotSameAs(provider.createDatumReader(Price.getClassSchema()));

    // Interleaved, as the stream thread writes one entity topic after another.
    for (SpecificRecord record : new SpecificRecord[] {customer, price, customer}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      provider.createDatumWriter(record, record.getSchema()).write(record, encoder);
      encoder.flush();
      SpecificRecord read = provider.createDatumReader(record.getSchema())
          .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
      assertThat(read).isEqualTo(record);
    }
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
