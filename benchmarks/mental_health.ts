/**
 * MentalHealth: write the counsellor's next reply in a mental health counselling conversation.
 * Source: Stanford-held counselling dialogues, `processed_dialogues.csv` (`context`,
 * `gold_counselor_response`, `topic`, `dialogue_type`); private: bring your own copy. Scored by
 * an LLM jury of mental health experts (accuracy, completeness, clarity) against the counsellor's
 * actual reply; ROUGE-1/2/L secondary, BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {readDelimited, requiredField} from "../data-loaders/formats/csv.ts";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";

const FILE = "processed_dialogues.csv";

export default defineBenchmark({
  id: "mental_health",
  version: 1,
  description: "Supportive counselling: an empathetic, therapeutically sound reply to a person in a mental health conversation.",
  data: {location: "local", files: [FILE], dataset: "MedHELM MentalHealth counselling dialogues", license: "Private: not distributed"},
  async load(dir) {
    const file = join(dir, FILE);
    const records = await readDelimited(file, {required: ["context", "gold_counselor_response"]});
    return uniqueIds(
      records.map((record) => {
        const context = requiredField(record, "context", file).trim();
        const gold = requiredField(record, "gold_counselor_response", file).trim();
        return {id: contentId(context), input: context, gold: [gold], extra: {topic: record.fields.topic ?? "", dialogueType: record.fields.dialogue_type ?? ""}};
      })
    );
  },
  prompt: {
    kind: "generation",
    instructions: "Below is the history of a mental health conversation. Write the counsellor's next reply: empathetic, supportive and therapeutically appropriate.",
    inputNoun: null,
    outputNoun: "Counselor response"
  },
  maxTokens: 512,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "mental_health_accuracy",
  rubric: {
    role: "a mental health expert",
    subject: "a counsellor's reply in a mental health conversation",
    inputTag: "conversation",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Does the reply use therapeutic techniques that suit what the person has said?",
      completeness: "Does it respond to the person's key concerns?",
      clarity: "Is it empathetic and clearly expressed?"
    }
  }
});
