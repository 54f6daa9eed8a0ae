package lat.pipeline.normalizer.providers.ninox;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.fingerprints;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Product;
import org.junit.jupiter.api.Test;

class NinoxMapperTest {

  private final NinoxMapper mapper = new NinoxMapper(TestEvents.SETTINGS);

  private MappingResult map(String body) {
    return mapper.map(TestEvents.raw("ninox", "ninox.webhook", body));
  }

  private MappingResult mapFixture(String name) {
    return mapper.map(TestEvents.raw("ninox", "ninox.webhook", Fixtures.read(Fixtures.shared("ninox", name))));
  }

  @Test
  void flatArticleIsOneProductFivePricesAndStockPerVariant() {
    List<CanonicalRecord> records = mapped(mapFixture("articulo.flat.multi.json"));

    assertThat(records).extracting(CanonicalRecord::entity)
        .containsExactly(
            CanonicalEntity.PRODUCT, CanonicalEntity.PRICE, CanonicalEntity.PRICE, CanonicalEntity.PRICE,
            CanonicalEntity.PRICE, CanonicalEntity.PRICE, CanonicalEntity.STOCK, CanonicalEntity.STOCK);
    assertThat(((Product) records.get(0).value()).getVariants()).hasSize(2);
    assertThat(records).extracting(CanonicalRecord::eventId).doesNotHaveDuplicates();
  }

  @Test
  void flatAndComplexFormsDescribeTheSameVariants() {
    Product flat = (Product) mapped(mapFixture("articulo.flat.multi.json")).get(0).value();
    Product complex = (Product) mapped(mapFixture("articulo.complex.json")).get(0).value();

    assertThat(complex.getVariants()).extracting("id", "size", "color")
        .containsExactlyElementsOf(
            flat.getVariants().stream().map(v -> org.assertj.core.groups.Tuple.tuple(v.getId(), v.getSize(), v.getColor())).toList());
    assertThat(complex.getCategories()).isEqualTo(flat.getCategories());
  }

  @Test
  void unknownNewFieldsAreKeptNotFatal() {
    String body =
        "[{\"articuloId\": 1, \"colorId\": 1, \"talleId\": 1, \"unidades\": 2, \"precio1\": 10.5,"
            + " \"stockDepositos\": [{\"depositoId\": 3, \"unidades\": 2}], \"temporada\": \"invierno\"}]";

    Product product = (Product) mapped(map(body)).get(0).value();

    assertThat(product.getVariants().get(0).getAttributes())
        .containsEntry("stockDepositos", "[{\"depositoId\":3,\"unidades\":2}]")
        .containsEntry("temporada", "invierno");
  }

  // Fails on main before this change: the deactivation was DELETED, though the article can come back.
  @Test
  void deactivationIsADeactivatedPartialProduct() {
    CanonicalRecord record = mapped(mapFixture("articulo.deactivated.json")).get(0);
    Product product = (Product) record.value();

    assertThat(record.key()).isEqualTo("ninox:demo:12345");
    assertThat(product.getActive()).isFalse();
    assertThat(product.getMetadata().getAction()).hasToString("DEACTIVATED");
    assertThat(product.getMetadata().getCompleteness()).hasToString("PARTIAL");
  }

  // Fails on main before this change: a complex snapshot's product had active null.
  @Test
  void aSnapshotIsOfAnActiveArticleUnlessItSaysOtherwise() {
    Product complex = (Product) mapped(mapFixture("articulo.complex.json")).get(0).value();
    String removed = "{\"articuloId\": 7, \"eliminado\": true, \"curva\": []}";
    Product removedComplex = (Product) mapped(mapper.map(TestEvents.raw("ninox", "ninox.webhook", removed))).get(0).value();

    assertThat(complex.getActive()).isTrue();
    assertThat(complex.getMetadata().getCompleteness()).hasToString("SNAPSHOT");
    assertThat(removedComplex.getActive()).isFalse();
  }

  // Fails on main before this change: the event id was a hash of the body, so a return to an
  // earlier state had the id of that earlier delivery and was dropped as a redelivery.
  @Test
  void eventIdsComeFromTheReceiptNeverFromTheContent() {
    MappingAssertions.eventIdsComeFromTheReceipt(mapper);
  }

  @Test
  void aPriceChangeIsAChangeOfContent() {
    assertThat(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 10}]"))).isNotEqualTo(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 11}]")));
  }

  @Test
  void trailingZerosDoNotChangeTheContent() {
    assertThat(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 2500.00}]"))).isEqualTo(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 2500}]")));
  }

  @Test
  void objectWithoutArticleIdIsAnUnknownEvent() {
    CanonicalRecord record = mapped(map("{\"ping\": true}")).get(0);

    assertThat(((Event) record.value()).getEntityType()).isEqualTo("unknown");
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("[{\"articuloId\": 1")).step()).isEqualTo("parse");
    assertThat(failed(map("[] trailing")).step()).isEqualTo("parse");
  }

  @Test
  void wrongShapeIsAMapFailure() {
    assertThat(failed(map("12345")).reason()).isEqualTo("body should be a JSON object but is number");
    assertThat(failed(map("[]")).reason()).isEqualTo("article array is empty");
    assertThat(failed(map("[1, 2]")).reason()).isEqualTo("body[0] should be a JSON object but is number");
    assertThat(failed(map("[{\"codigo\": \"X\"}]")).reason()).isEqualTo("body[0].articuloId is missing");
  }
}
