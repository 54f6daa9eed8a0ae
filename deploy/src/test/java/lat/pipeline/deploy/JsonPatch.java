package lat.pipeline.deploy;

import java.util.List;
import java.util.Map;

/** The JSON 6902 operations that kustomize patches use here: add, replace, remove. */
final class JsonPatch {

  private JsonPatch() {}

  @SuppressWarnings("unchecked")
  static void apply(Map<String, Object> doc, Map<String, Object> op, String where) {
    String kind = String.valueOf(op.get("op"));
    String path = String.valueOf(op.get("path"));
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(where + ": path " + path + " must start with /");
    }
    String[] tokens = path.substring(1).split("/", -1);
    Object parent = doc;
    for (int i = 0; i < tokens.length - 1; i++) {
      parent = child(parent, unescape(tokens[i]), where + " " + path);
    }
    String last = unescape(tokens[tokens.length - 1]);
    switch (kind) {
      case "add" -> {
        if (parent instanceof List<?> list) {
          List<Object> l = (List<Object>) list;
          if (last.equals("-")) {
            l.add(op.get("value"));
          } else {
            l.add(Integer.parseInt(last), op.get("value"));
          }
        } else {
          ((Map<String, Object>) Yamls.asMap(parent, where)).put(last, op.get("value"));
        }
      }
      case "replace", "remove" -> {
        if (parent instanceof List<?> list) {
          int index = Integer.parseInt(last);
          if (index >= list.size()) {
            throw new IllegalArgumentException(where + ": " + path + " does not exist");
          }
          if (kind.equals("replace")) {
            ((List<Object>) list).set(index, op.get("value"));
          } else {
            list.remove(index);
          }
        } else {
          Map<String, Object> map = Yamls.asMap(parent, where);
          if (!map.containsKey(last)) {
            throw new IllegalArgumentException(where + ": " + path + " does not exist");
          }
          if (kind.equals("replace")) {
            map.put(last, op.get("value"));
          } else {
            map.remove(last);
          }
        }
      }
      default -> throw new IllegalArgumentException(where + ": op `" + kind + "` is not supported by the test's renderer");
    }
  }

  private static Object child(Object parent, String token, String where) {
    Object child = parent instanceof List<?> list
        ? list.get(Integer.parseInt(token))
        : Yamls.asMap(parent, where).get(token);
    if (child == null) {
      throw new IllegalArgumentException(where + ": " + token + " does not exist");
    }
    return child;
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }
}
