package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.PolicyParseResult;
import dev.airlock.policy.PolicyParser;
import dev.airlock.policy.PolicyRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One policy decision for a policy of 1,000 tool rules with CEL conditions, beside the baseline of
 * a one-rule policy, in the same run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyDecisionBench {

  private PolicyEngine thousandRules;
  private PolicyEngine oneRule;
  private PolicyRequest conditioned;
  private PolicyRequest patternMiss;

  @Setup
  public void setUp() throws Exception {
    StringBuilder policy = new StringBuilder("{\"default\":\"deny\",\"tools\":{");
    for (int i = 0; i < 1000; i++) {
      if (i > 0) {
        policy.append(',');
      }
      if (i % 10 == 0) {
        policy.append("\"Tool").append(i).append("*\":{\"action\":\"require_approval\"}");
      } else {
        policy
            .append("\"Tool")
            .append(i)
            .append("\":{\"action\":\"allow\",\"rules\":[")
            .append("{\"when\":\"size(args.runIds) > 10\",\"action\":\"require_approval\"},")
            .append(
                "{\"when\":\"has(args.region) && !(args.region in ['us-east-1','eu-west-1'])\",\"action\":\"deny\"}]}");
      }
    }
    policy.append("}}");
    thousandRules = engine(policy.toString());
    oneRule = engine("{\"default\":\"deny\",\"tools\":{\"Tool999\":{\"action\":\"allow\"}}}");
    JsonNode args =
        new ObjectMapper().readTree("{\"runIds\":[\"a\",\"b\",\"c\"],\"region\":\"eu-west-1\"}");
    conditioned = new PolicyRequest("agent", "grant", "s", "healthomics", "Tool999", args, null);
    patternMiss = new PolicyRequest("agent", "grant", "s", "healthomics", "Unnamed", args, null);
  }

  private static PolicyEngine engine(String json) {
    return new PolicyEngine(((PolicyParseResult.Valid) PolicyParser.parse(json)).policy());
  }

  @Benchmark
  public Decision thousandRulesWithConditions() {
    return thousandRules.decide(conditioned);
  }

  @Benchmark
  public Decision thousandRulesNoMatch() {
    return thousandRules.decide(patternMiss);
  }

  @Benchmark
  public Decision baselineOneRule() {
    return oneRule.decide(conditioned);
  }
}
