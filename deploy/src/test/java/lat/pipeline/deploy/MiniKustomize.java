package lat.pipeline.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the features that k8s/
 * uses: {@code resources} (files and folders), {@code patches} (strategic merge from a file or
 * inline, or JSON 6902 with a target), {@code labels} (metadata only), {@code namespace} and
 * {@code images} (name, tag or digest of containers' images).
 * A kustomization using anything else fails here, so no feature is silently skipped.
 *
 * <p>The strategic merge follows Kubernetes' merge keys for the lists it meets in pod specs
 * (containers, env, volumes and ports by {@code name}, volume mounts by {@code mountPath});
 * other lists are replaced, as for custom resources. {@link KustomizeAgreementTest} compares
 * the result with the real kustomize where {@code kubectl} is installed.
 */
final class MiniKustomize {

  static final String KUSTOMIZATION = "kustomization.yaml";
  private static final Set<String> SUPPORTED =
      Set.of("apiVersion", "kind", "namespace", "resources", "patches", "labels", "images");
  private static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag", "digest");
  private static final List<String> MERGE_KEYS = List.of("name", "mountPath");

  private MiniKustomize() {}

  /** A rendered document and the file it came from. */
  record Resource(Map<String, Object> body, Path source) {
    String kind() {
      return String.valueOf(body.get("kind"));
    }

    String name() {
      return String.valueOf(Yamls.at(body, "metadata", "name"));
    }

    @Override
    public String toString() {
      return kind() + "/" + name() + " (" + source + ")";
    }
  }

  static List<Resource> render(Path dir) {
    Path file = dir.resolve(KUSTOMIZATION);
    Map<String, Object> k = Yamls.mapping(file);
    for (String key : k.keySet()) {
      if (!SUPPORTED.contains(key)) {
        throw new IllegalArgumentException(file + ": `" + key + "` is not supported by the test's renderer");
      }
    }
    List<Resource> resources = new ArrayList<>();
    for (Object entry : list(k.get("resources"), file + " resources")) {
      Path path = dir.resolve(String.valueOf(entry)).normalize();
      if (Files.isDirectory(path)) {
        resources.addAll(render(path));
      } else {
        for (Object doc : Yamls.documents(path)) {
          resources.add(new Resource(Yamls.asMap(doc, path.toString()), path));
        }
      }
    }
    for (Object entry : list(k.get("patches"), file + " patches")) {
      applyPatch(dir, Yamls.asMap(entry, file + " patches"), resources);
    }
    for (Object entry : list(k.get("labels"), file + " labels")) {
      Map<String, Object> labels = Yamls.asMap(entry, file + " labels");
      if (Boolean.TRUE.equals(labels.get("includeSelectors")) || Boolean.TRUE.equals(labels.get("includeTemplates"))) {
        throw new IllegalArgumentException(file + ": labels with includeSelectors/includeTemplates are not supported");
      }
      Map<String, Object> pairs = Yamls.asMap(labels.get("pairs"), file + " labels.pairs");
      for (Resource r : resources) {
        metadataMap(r.body(), "labels").putAll(pairs);
      }
    }
    for (Object entry : list(k.get("images"), file + " images")) {
      Map<String, Object> image = Yamls.asMap(entry, file + " images");
      if (!IMAGE_FIELDS.containsAll(image.keySet()) || image.get("name") == null) {
        throw new IllegalArgumentException(file + ": images entry " + image + " is not supported by the test's renderer");
      }
      resources.forEach(r -> setImages(r.body(), image));
    }
    if (k.get("namespace") != null) {
      for (Resource r : resources) {
        metadataMap(r.body(), null).put("namespace", k.get("namespace"));
      }
    }
    return resources;
  }

  /** The files that a kustomization lists as resources (not folders). */
  static List<Path> resourceFiles(Path dir) {
    Map<String, Object> k = Yamls.mapping(dir.resolve(KUSTOMIZATION));
    List<Path> files = new ArrayList<>();
    for (Object entry : list(k.get("resources"), "resources")) {
      Path path = dir.resolve(String.valueOf(entry)).normalize();
      if (!Files.isDirectory(path)) {
        files.add(path);
      }
    }
    return files;
  }

  /** The files that a kustomization's patches name (inline patches have none). */
  static List<Path> patchFiles(Path dir) {
    Map<String, Object> k = Yamls.mapping(dir.resolve(KUSTOMIZATION));
    List<Path> files = new ArrayList<>();
    for (Object entry : list(k.get("patches"), "patches")) {
      Object path = Yamls.asMap(entry, "patches").get("path");
      if (path != null) {
        files.add(dir.resolve(String.valueOf(path)).normalize());
      }
    }
    return files;
  }

  private static void applyPatch(Path dir, Map<String, Object> patch, List<Resource> resources) {
    String where = dir.resolve(KUSTOMIZATION) + " patch " + patch;
    String text;
    try {
      text = patch.get("path") != null
          ? Files.readString(dir.resolve(String.valueOf(patch.get("path"))))
          : String.valueOf(Objects.requireNonNull(patch.get("patch"), "path or patch"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Object> target = patch.get("target") == null ? null : Yamls.asMap(patch.get("target"), where);
    List<Object> docs = Yamls.documents(text);
    if (docs.size() == 1 && docs.get(0) instanceof List<?> ops) {
      if (target == null) {
        throw new IllegalArgumentException(where + ": a JSON 6902 patch needs a target");
      }
      List<Resource> matched = matching(resources, target, where);
      for (Resource r : matched) {
        for (Object op : ops) {
          JsonPatch.apply(r.body(), Yamls.asMap(op, where), where + " on " + r);
        }
      }
      return;
    }
    for (Object doc : docs) {
      Map<String, Object> partial = Yamls.asMap(doc, where);
      Map<String, Object> selector = target != null ? target : Map.of(
          "kind", partial.get("kind"), "name", Yamls.at(partial, "metadata", "name"));
      for (Resource r : matching(resources, selector, where)) {
        Map<String, Object> body = new LinkedHashMap<>(partial);
        if (target != null) {
          body.remove("metadata");
        }
        merge(r.body(), body);
      }
    }
  }

  private static List<Resource> matching(List<Resource> resources, Map<String, Object> target, String where) {
    for (String key : target.keySet()) {
      if (!Set.of("kind", "name").contains(key)) {
        throw new IllegalArgumentException(where + ": target `" + key + "` is not supported by the test's renderer");
      }
    }
    List<Resource> matched = resources.stream()
        .filter(r -> target.get("kind") == null || target.get("kind").equals(r.kind()))
        .filter(r -> target.get("name") == null || target.get("name").equals(r.name()))
        .toList();
    if (matched.isEmpty()) {
      throw new IllegalArgumentException(where + ": the patch matches no resource");
    }
    return matched;
  }

  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> into, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object current = into.get(e.getKey());
      Object value = e.getValue();
      if (value == null) {
        into.remove(e.getKey());
      } else if (current instanceof Map && value instanceof Map) {
        merge((Map<String, Object>) current, (Map<String, Object>) value);
      } else if (current instanceof List<?> currentList && value instanceof List<?> valueList
          && mergeKey(currentList, valueList) != null) {
        into.put(e.getKey(), mergeLists((List<Object>) currentList, (List<Object>) valueList,
            mergeKey(currentList, valueList)));
      } else {
        into.put(e.getKey(), value);
      }
    }
  }

  /** The key that every item of both lists has, if all items are mappings. */
  private static String mergeKey(List<?> a, List<?> b) {
    for (String key : MERGE_KEYS) {
      boolean all = !a.isEmpty() && !b.isEmpty()
          && a.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get(key) != null)
          && b.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get(key) != null);
      if (all) {
        return key;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeLists(List<Object> current, List<Object> patch, String key) {
    List<Object> result = new ArrayList<>();
    List<Object> rest = new ArrayList<>(current);
    for (Object p : patch) {
      Map<String, Object> patchItem = (Map<String, Object>) p;
      Map<String, Object> existing = rest.stream()
          .map(i -> (Map<String, Object>) i)
          .filter(i -> i.get(key).equals(patchItem.get(key)))
          .findFirst().orElse(null);
      if (existing != null) {
        rest.remove(existing);
        merge(existing, patchItem);
        result.add(existing);
      } else {
        result.add(patchItem);
      }
    }
    result.addAll(rest);
    return result;
  }

  /** Kustomize's image transformer: every container whose image has the entry's name. */
  @SuppressWarnings("unchecked")
  private static void setImages(Object node, Map<String, Object> image) {
    if (node instanceof List<?> list) {
      list.forEach(item -> setImages(item, image));
    } else if (node instanceof Map<?, ?> map) {
      for (String containers : List.of("containers", "initContainers")) {
        if (map.get(containers) instanceof List<?> list) {
          for (Object c : list) {
            if (c instanceof Map<?, ?> container && container.get("image") instanceof String current) {
              ((Map<String, Object>) container).put("image", renamed(current, image));
            }
          }
        }
      }
      map.values().forEach(value -> setImages(value, image));
    }
  }

  private static String renamed(String current, Map<String, Object> image) {
    int at = current.indexOf('@');
    String reference = at < 0 ? current : current.substring(0, at);
    String digest = at < 0 ? null : current.substring(at + 1);
    int colon = reference.lastIndexOf(':');
    boolean tagged = colon > reference.lastIndexOf('/');
    String name = tagged ? reference.substring(0, colon) : reference;
    String tag = tagged ? reference.substring(colon + 1) : null;
    if (!name.equals(image.get("name"))) {
      return current;
    }
    if (image.get("newName") != null) {
      name = String.valueOf(image.get("newName"));
    }
    if (image.get("digest") != null) {
      return name + "@" + image.get("digest");
    }
    if (image.get("newTag") != null) {
      tag = String.valueOf(image.get("newTag"));
    }
    return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadataMap(Map<String, Object> body, String child) {
    Map<String, Object> metadata = (Map<String, Object>) body.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    return child == null ? metadata : (Map<String, Object>) metadata.computeIfAbsent(child, k -> new LinkedHashMap<>());
  }

  private static List<Object> list(Object value, String where) {
    return value == null ? List.of() : Yamls.asList(value, where);
  }
}
