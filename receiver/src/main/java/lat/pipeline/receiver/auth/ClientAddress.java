package lat.pipeline.receiver.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The caller's address behind trusted proxies. {@code X-Forwarded-For} is believed only when the
 * connection comes from a trusted proxy (an ingress), and then only up to the first address that is
 * not a trusted proxy, read from the right: entries further left are whatever the client sent.
 */
public final class ClientAddress {

  private final List<Cidr> trustedProxies;

  public ClientAddress(List<String> trustedProxyCidrs) {
    this.trustedProxies = trustedProxyCidrs.stream().map(Cidr::parse).toList();
  }

  public String resolve(String remoteAddress, String forwardedFor) {
    if (forwardedFor == null || !trusted(remoteAddress)) {
      return remoteAddress;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!isLiteralAddress(hop)) {
        return remoteAddress;
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return remoteAddress;
  }

  private boolean trusted(String address) {
    return trustedProxies.stream().anyMatch(cidr -> cidr.contains(address));
  }

  private static boolean isLiteralAddress(String text) {
    return !text.isEmpty() && text.length() <= 45 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
  }

  /** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
  record Cidr(byte[] network, int prefixBits) {
    static Cidr parse(String text) {
      String[] parts = text.trim().split("/");
      byte[] network = literal(parts[0]);
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException("Bad prefix length in " + text);
      }
      return new Cidr(network, bits);
    }

    boolean contains(String address) {
      if (!isLiteralAddress(address)) {
        return false;
      }
      byte[] candidate;
      try {
        candidate = literal(address);
      } catch (IllegalArgumentException notAnAddress) {
        return false;
      }
      if (candidate.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefixBits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    private static byte[] literal(String address) {
      if (!isLiteralAddress(address)) {
        throw new IllegalArgumentException("Not an IP address: " + address);
      }
      try {
        // A literal: no name lookup happens for digits, dots and colons.
        return InetAddress.getByName(address).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("Not an IP address: " + address, e);
      }
    }
  }
}
