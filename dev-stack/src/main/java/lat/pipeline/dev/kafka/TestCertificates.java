package lat.pipeline.dev.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA and a server certificate it signed for 127.0.0.1 and localhost, made with the
 * JDK's keytool: what a secured test broker presents and its clients trust.
 *
 * @param caPem the CA certificate (PEM), for clients' trust
 * @param truststore the CA certificate in a PKCS12 trust store, password {@code storePassword}
 * @param serverKeystore the server's key and certificate chain (PKCS12), password {@code storePassword}
 */
public record TestCertificates(Path caPem, Path truststore, Path serverKeystore, String storePassword) {

  public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String password = UUID.randomUUID().toString();
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.pem");
    Path server = dir.resolve("server.p12");
    Path request = dir.resolve("server.csr");
    Path serverPem = dir.resolve("server.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=pipeline test CA", "-validity", "2",
        "-ext", "bc:c", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", password);
    keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
        "-file", caPem.toString());
    keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
        "-keystore", server.toString(), "-storetype", "PKCS12", "-storepass", password);
    keytool(dir, "-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", password,
        "-file", request.toString());
    keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password, "-validity", "2",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-infile", request.toString(), "-outfile", serverPem.toString());
    // The reply is accepted once its issuer is known: the CA first, then the signed certificate.
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", server.toString(), "-storepass", password);
    keytool(dir, "-importcert", "-alias", "server", "-file", serverPem.toString(),
        "-keystore", server.toString(), "-storepass", password);
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
    return new TestCertificates(caPem, truststore, server, password);
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.add("-J-XX:TieredStopAtLevel=1");
    command.addAll(List.of(args));
    Path log = dir.resolve("keytool.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("keytool " + args[0] + " failed; see " + log);
    }
  }
}
