import { getPriority, setPriority } from "node:os";
import { evaluate } from "./evaluation/evaluate";
import { generatePeople } from "./evaluation/person-generator";

/**
 * Duplicate detection measured on 10 000 generated people and their corrupted duplicates (see
 * evaluation/person-generator.ts), with the blocking and scoring the service runs.
 */
describe("duplicate detection quality", () => {
  // Half a minute of pure CPU: it yields to the integration suites running beside it (whose
  // timings would suffer), and takes back its priority after, where the system allows.
  const priority = getPriority();
  beforeAll(() => setPriority(19));
  afterAll(() => {
    try {
      setPriority(priority);
    } catch {
      // Raising a priority again needs privileges: the rest of this worker runs niced.
    }
  });

  it("finds true duplicate pairs with F1 >= 0.95 and precision >= 0.98 at the default threshold", () => {
    const records = generatePeople({ originals: 10_000, seed: 7 });
    const result = evaluate(records);
    const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
    console.log(
      [
        `records ${result.records}, true pairs ${result.truePairs}, found by blocking ${result.blockedTruePairs} (${percent(result.blockedTruePairs / result.truePairs)}), comparisons ${result.comparisons}`,
        `predicted ${result.predictedPairs}, correct ${result.truePositives}`,
        `precision ${percent(result.precision)}, recall ${percent(result.recall)}, F1 ${percent(result.f1)}`,
      ].join("\n"),
    );
    expect(result.f1).toBeGreaterThanOrEqual(0.95);
    expect(result.precision).toBeGreaterThanOrEqual(0.98);
    // About 30 s on two idle cores; the margin is for a busy machine.
  }, 180_000);
});
