package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lat.pipeline.normalizer.providers.ProviderMappers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture in the repository's fixtures/ (and every module sample) mapped with a fixed raw event and
 * compared with its reviewed golden file; OBUMA fixtures also in both envelope forms.
 */
class GoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> bodies() {
    List<Arguments> cases = new ArrayList<>();
    for (String provider : Fixtures.PROVIDERS) {
      Stream.concat(Fixtures.shared(provider).stream(), Fixtures.samples(provider).stream())
          .forEach(file -> cases.add(Arguments.of(provider + "/" + file.getFileName(), provider, file)));
    }
    return cases.stream();
  }

  @Test
  void everyProviderHasSharedFixtures() {
    Fixtures.PROVIDERS.forEach(provider -> assertThat(Fixtures.shared(provider)).as(provider).isNotEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void bodyMapsToItsGoldenRecords(String name, String provider, Path file) throws IOException {
    // OBUMA's bare event data needs the event key from the URL; the file is named after it.
    String eventType = provider.equals("obuma") ? Fixtures.baseName(file) : TestEvents.genericType(provider);
    // Bsale is mapped from what the fetcher wrote: the notification wrapped with the API's answer.
    byte[] body = provider.equals("bsale") ? BsaleEnvelopes.envelope(Fixtures.read(file)) : Fixtures.read(file);
    MappingResult result = mapper(provider).map(TestEvents.raw(provider, eventType, body));

    MappingAssertions.mapped(result);
    GoldenFiles.assertMatches(provider + "/" + file.getFileName(), RecordRendering.render(result));
  }

  static Stream<Arguments> obumaFixtures() {
    return Fixtures.shared("obuma").stream().map(file -> Arguments.of(file.getFileName().toString(), file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("obumaFixtures")
  void obumaEnvelopeWithObjectEventData(String name, Path file) throws IOException {
    String body = TestEvents.obumaEnvelope(Fixtures.baseName(file), JSON.readTree(Fixtures.read(file)), false);
    MappingResult result = mapper("obuma").map(TestEvents.raw("obuma", "obuma.webhook", body));

    MappingAssertions.mapped(result);
    GoldenFiles.assertMatches("obuma/envelope-object/" + name, RecordRendering.render(result));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("obumaFixtures")
  void obumaEnvelopeWithStringEventData(String name, Path file) throws IOException {
    String body = TestEvents.obumaEnvelope(Fixtures.baseName(file), JSON.readTree(Fixtures.read(file)), true);
    MappingResult result = mapper("obuma").map(TestEvents.raw("obuma", "obuma.webhook", body));

    MappingAssertions.mapped(result);
    GoldenFiles.assertMatches("obuma/envelope-string/" + name, RecordRendering.render(result));
  }

  private static ProviderMapper mapper(String provider) {
    return ProviderMappers.forProvider(provider, TestEvents.SETTINGS).orElseThrow();
  }
}
