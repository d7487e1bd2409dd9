package dev.airlock.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.airlock.approval.ApprovalTopics;
import dev.airlock.configdoc.ConfigurationKeys;
import dev.airlock.policy.PolicyParseResult;
import dev.airlock.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under k8s/ parses against the Kubernetes API model (fabric8), and the contract
 * with the code holds: probes hit real health endpoints, env names are real config keys, every
 * Kafka topic the code uses has a KafkaTopic, the shipped policy is valid, no secret is committed.
 */
class ManifestContractTest {

  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Map<String, Class<?>> CORE_KINDS =
      Map.of(
          "Deployment", Deployment.class,
          "Service", Service.class,
          "ServiceAccount", ServiceAccount.class,
          "PodDisruptionBudget", PodDisruptionBudget.class,
          "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "NetworkPolicy", NetworkPolicy.class,
          "ConfigMap", ConfigMap.class);
  private static final Set<String> CUSTOM_KINDS =
      Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "Cluster");

  @Test
  void everyManifestParsesAgainstTheApiModel() throws Exception {
    List<JsonNode> documents = documents();
    assertThat(documents).isNotEmpty();
    for (JsonNode document : documents) {
      String kind = document.path("kind").asText();
      assertThat(document.path("apiVersion").asText()).as(kind).isNotBlank();
      assertThat(document.path("metadata").path("name").asText()).as(kind).isNotBlank();
      if (CORE_KINDS.containsKey(kind)) {
        STRICT.treeToValue(document, CORE_KINDS.get(kind));
      } else {
        assertThat(CUSTOM_KINDS).as("unexpected kind %s", kind).contains(kind);
        assertThat(document.path("spec").isObject()).as(kind).isTrue();
      }
    }
  }

  @Test
  void probesPointAtQuarkusHealthOnTheContainerPort() throws Exception {
    Container container = deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
    Map<String, Probe> probes =
        Map.of(
            "/q/health/started", container.getStartupProbe(),
            "/q/health/ready", container.getReadinessProbe(),
            "/q/health/live", container.getLivenessProbe());
    probes.forEach(
        (path, probe) -> {
          assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
          assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        });
    assertThat(deployment().getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void everyEnvironmentVariableIsARealConfigurationKey() throws Exception {
    Set<String> known = ConfigurationKeys.all();
    List<String> unknown = new ArrayList<>();
    List<JsonNode> environment = environment();
    assertThat(environment)
        .extracting(env -> env.path("name").asText())
        .as("the prod overlay's settings are checked too")
        .contains("QUARKUS_OIDC_CREDENTIALS_SECRET", "AIRLOCK_SIGN_IN_REVIEWER_GROUPS");
    for (JsonNode env : environment) {
      String name = env.path("name").asText();
      if (name.startsWith("JAVA_")) {
        continue;
      }
      boolean matches =
          known.stream().anyMatch(key -> ConfigurationKeys.envName(key).equals(name))
              || name.startsWith("QUARKUS_")
              || name.equals("KAFKA_BOOTSTRAP_SERVERS");
      if (!matches) {
        unknown.add(name);
      }
    }
    assertThat(unknown).as("env vars that map to no configuration key").isEmpty();
  }

  @Test
  void credentialsComeFromSecretsNeverFromAManifest() throws Exception {
    for (JsonNode env : environment()) {
      String name = env.path("name").asText();
      if (name.matches(".*(SECRET|PASSWORD|TOKEN|ENCRYPTION_KEY).*")) {
        assertThat(env.has("value")).as("%s has a literal value", name).isFalse();
        assertThat(env.path("valueFrom").path("secretKeyRef").path("name").asText())
            .as("%s comes from a Secret", name)
            .isNotBlank();
      }
    }
  }

  @Test
  void everyKafkaTopicTheCodeUsesHasAKafkaTopic() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (JsonNode document : documents()) {
      if (document.path("kind").asText().equals("KafkaTopic")) {
        declared.add(document.path("metadata").path("name").asText());
      }
    }
    Set<String> used = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
      if (line.matches("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.topic=.*")) {
        used.add(line.substring(line.indexOf('=') + 1).trim());
      }
    }
    used.add(ApprovalTopics.REQUESTED);
    used.add(ApprovalTopics.DECIDED);
    assertThat(used).isNotEmpty();
    assertThat(declared).containsAll(used);
  }

  @Test
  void theShippedPolicyIsValid() throws Exception {
    String policy = Files.readString(K8S.resolve("base/policy.json"));
    assertThat(PolicyParser.parse(policy)).isInstanceOf(PolicyParseResult.Valid.class);
  }

  @Test
  void noManifestContainsASecretAndKustomizationsReferenceExistingFiles() throws Exception {
    for (JsonNode document : documents()) {
      assertThat(document.path("kind").asText()).isNotEqualTo("Secret");
    }
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path kustomization :
          files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
        JsonNode k = new YAMLMapper().readTree(kustomization.toFile());
        List<String> references = new ArrayList<>();
        k.path("resources").forEach(r -> references.add(r.asText()));
        k.path("patches").forEach(p -> references.add(p.path("path").asText()));
        k.path("configMapGenerator")
            .forEach(g -> g.path("files").forEach(f -> references.add(f.asText())));
        for (String reference : references) {
          assertThat(kustomization.getParent().resolve(reference))
              .as("%s in %s", reference, kustomization)
              .exists();
        }
      }
    }
  }

  private static Deployment deployment() throws Exception {
    for (JsonNode document : documents()) {
      if (document.path("kind").asText().equals("Deployment")
          && document.path("metadata").path("name").asText().equals("airlock")
          && document.path("spec").has("selector")) {
        return STRICT.treeToValue(document, Deployment.class);
      }
    }
    throw new AssertionError("no Deployment airlock in k8s/base");
  }

  /** The env entries of every Deployment container, in the base and in the overlays' patches. */
  private static List<JsonNode> environment() throws IOException {
    List<JsonNode> environment = new ArrayList<>();
    for (JsonNode document : documents(K8S)) {
      if (!document.path("kind").asText().equals("Deployment")) {
        continue;
      }
      for (JsonNode container :
          document.path("spec").path("template").path("spec").path("containers")) {
        container.path("env").forEach(environment::add);
      }
    }
    return environment;
  }

  /** Every YAML document under k8s/base (overlays hold patches, checked for references). */
  private static List<JsonNode> documents() throws IOException {
    return documents(K8S.resolve("base"));
  }

  private static List<JsonNode> documents(Path root) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    YAMLMapper yaml = new YAMLMapper(new YAMLFactory());
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file :
          files
              .filter(
                  p ->
                      p.toString().endsWith(".yaml")
                          && !p.getFileName().toString().equals("kustomization.yaml"))
              .toList()) {
        try (var parser = yaml.getFactory().createParser(file.toFile())) {
          var values = yaml.readValues(parser, JsonNode.class);
          while (values.hasNext()) {
            JsonNode document = values.next();
            if (document != null && !document.isEmpty()) {
              documents.add(document);
            }
          }
        }
      }
    }
    return documents;
  }
}
