package dev.waworker.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/asyncapi.yaml as a validator: the payload schema of each of its messages, applied to a message's JSON.
 * Loaded once per test JVM. Schemas follow the AsyncAPI schema format, a superset of JSON Schema draft 07.
 */
public final class AsyncApiContract {

    public static final Path FILE = Path.of("docs/asyncapi.yaml");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AsyncApiContract INSTANCE = new AsyncApiContract(new YAMLMapper().readTree(FILE.toFile()));

    private final JsonNode document;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private final Map<String, Schema> payloadSchemas = new ConcurrentHashMap<>();

    private AsyncApiContract(JsonNode document) {
        this.document = document;
    }

    public static AsyncApiContract get() {
        return INSTANCE;
    }

    public JsonNode document() {
        return document;
    }

    /** The {@code action} values the command schema allows. */
    public Set<String> commandActions() {
        Set<String> actions = new TreeSet<>();
        document.path("components").path("schemas").path("Command").path("properties").path("action").path("enum")
                .forEach(action -> actions.add(action.asString()));
        return actions;
    }

    /** What is wrong with {@code event} (an event body) by the schema of the message named after its action. */
    public List<String> problemsWithEvent(JsonNode event) {
        return problems(event.path("action").asString(""), event);
    }

    /** What is wrong with {@code command} (a command body) by the {@code command} message's schema. */
    public List<String> problemsWithCommand(JsonNode command) {
        return problems("command", command);
    }

    /** Throws, naming the message and every problem, unless {@code body} is a valid event. */
    public void requireValidEvent(byte[] body) {
        JsonNode event = JSON.readTree(body);
        List<String> problems = problemsWithEvent(event);
        if (!problems.isEmpty()) {
            throw new AssertionError("event not as docs/asyncapi.yaml says: " + problems + " in " + event);
        }
    }

    /** Throws, naming the command and every problem, unless {@code body} is a valid command. */
    public void requireValidCommand(String body) {
        List<String> problems = problemsWithCommand(JSON.readTree(body));
        if (!problems.isEmpty()) {
            throw new AssertionError("command not as docs/asyncapi.yaml says: " + problems + " in " + body);
        }
    }

    private List<String> problems(String message, JsonNode instance) {
        if (document.path("components").path("messages").path(message).isMissingNode()) {
            return List.of("docs/asyncapi.yaml has no message '" + message + "'");
        }
        return payloadSchemas.computeIfAbsent(message, this::payloadSchema).validate(instance).stream()
                .map(Error::toString).toList();
    }

    /**
     * The message's payload schema, inside a document that carries the AsyncAPI file's {@code components}, so that
     * its {@code #/components/schemas/...} references resolve as they do in the file.
     */
    private Schema payloadSchema(String message) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        schema.set("components", document.path("components"));
        schema.putArray("allOf").add(document.path("components").path("messages").path(message).path("payload"));
        return registry.getSchema(schema);
    }
}
