import {describe, expect, it} from "vitest";
import {extractAnswer, goldLetter, mapChoice, promptText, stripThinking} from "../data-loaders/benchmark/prompt.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const mc: Instance = {id: "q1", input: "Is aspirin an NSAID?", choices: ["yes", "no", "maybe"], gold: ["yes"]};

describe("prompt", () => {
  it("promptText lays out multiple-choice-joint prompts as instructions, input, lettered choices and the output noun", () => {
    const text = promptText({kind: "multiple_choice_joint", instructions: "Answer A, B or C.", inputNoun: "Question", outputNoun: "Answer"}, mc);
    expect(text).toBe("Answer A, B or C.\n\nQuestion: Is aspirin an NSAID?\nA. yes\nB. no\nC. maybe\nAnswer:");
  });

  it("promptText gives HELM's bare colon prefix for an empty noun and none for a null noun", () => {
    expect(promptText({kind: "generation", instructions: "", inputNoun: "", outputNoun: null}, mc)).toBe(": Is aspirin an NSAID?\n");
    expect(promptText({kind: "generation", instructions: "Do it.", inputNoun: null, outputNoun: "Note"}, mc)).toBe("Do it.\n\nIs aspirin an NSAID?\nNote:");
  });

  it("promptText puts a newline after a noun when asked", () => {
    expect(promptText({kind: "generation", instructions: "", inputNoun: "Conversation", outputNoun: "Note", newlineAfterInputNoun: true}, mc)).toBe("Conversation:\nIs aspirin an NSAID?\nNote:");
  });

  it("mapChoice maps an offered letter to its choice text and nothing else", () => {
    expect(mapChoice(" B\n", mc)).toBe("no");
    expect(mapChoice("D", mc)).toBeNull();
    expect(mapChoice("B.", mc)).toBeNull();
    expect(mapChoice("", mc)).toBeNull();
  });

  it("goldLetter is the letter of the gold choice", () => {
    expect(goldLetter(mc)).toBe("A");
  });

  it("extractAnswer maps choices for multiple choice and strips text for generation", () => {
    expect(extractAnswer({prompt: {kind: "multiple_choice_joint", instructions: "", inputNoun: null, outputNoun: null}}, "C", mc)).toBe("maybe");
    expect(extractAnswer({prompt: {kind: "generation", instructions: "", inputNoun: null, outputNoun: null}}, "  12.5 \n", mc)).toBe("12.5");
    expect(extractAnswer({prompt: {kind: "generation", instructions: "", inputNoun: null, outputNoun: null}}, "   ", mc)).toBeNull();
  });

  it("stripThinking removes a closed think block and empties an unclosed one", () => {
    expect(stripThinking("<think>hmm</think>\nA")).toBe("A");
    expect(stripThinking("<think>still thinking")).toBe("");
    expect(stripThinking("B")).toBe("B");
  });
});
