package dev.airlock.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelException;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * A condition on a call, written in the Common Expression Language (CEL) and compiled once when the
 * policy loads. Variables: {@code args} (the call's arguments), {@code tool}, {@code upstream},
 * {@code agent}, {@code risk} ({@code "low"|"medium"|"high"}).
 */
public final class Condition {

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("args", SimpleType.DYN)
          .addVar("tool", SimpleType.STRING)
          .addVar("upstream", SimpleType.STRING)
          .addVar("agent", SimpleType.STRING)
          .addVar("risk", SimpleType.STRING)
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final String source;
  private final CelRuntime.Program program;

  private Condition(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  /**
   * @throws IllegalArgumentException with CEL's own explanation when the expression does not
   *     compile or is not boolean
   */
  public static Condition compile(String source) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
      return new Condition(source, RUNTIME.createProgram(ast));
    } catch (CelValidationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (CelException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * @throws IllegalStateException when evaluation fails (e.g. a missing argument): callers fail
   *     closed
   */
  public boolean test(Map<String, Object> variables) {
    try {
      return Boolean.TRUE.equals(program.eval(variables));
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public String source() {
    return source;
  }
}
