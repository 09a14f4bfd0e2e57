/**
 * The pore questionnaire's questions, in the order they are asked. `values` are the API's
 * own identifiers (the enums of `Questionnaire` in openapi.json; tests/unit checks that they
 * agree); their labels are under `quiz.questions` in the strings. `kind`: radio (one answer),
 * checkbox (any number), yesno (one yes/no per value). A new option goes here, in both
 * strings files and in the API's model, together.
 */

export const QUESTIONS = [
  { key: "skin_type", kind: "radio", required: true, values: ["oily", "dry", "combination", "normal", "sensitive"] },
  {
    key: "concerns",
    kind: "checkbox",
    values: [
      "enlarged_pores",
      "blackheads",
      "whiteheads",
      "acne",
      "redness",
      "dullness",
      "dryness",
      "roughness",
      "sagging",
      "acne_scars",
      "oiliness",
    ],
  },
  { key: "pore_shape", kind: "radio", values: ["round", "oval", "teardrop", "unsure"] },
  { key: "age_range", kind: "radio", required: true, values: ["under_25", "25_34", "35_44", "45_plus"] },
  {
    key: "lifestyle",
    kind: "checkbox",
    values: ["poor_sleep", "stress", "greasy_food", "dairy", "humid_climate", "irregular_routine"],
  },
  { key: "habits", kind: "yesno", values: ["removes_makeup", "exfoliates_weekly", "moisturises", "uses_sunscreen"] },
  {
    key: "precautions",
    kind: "checkbox",
    values: [
      "pregnant_or_breastfeeding",
      "isotretinoin_recent",
      "active_infection",
      "recent_laser_or_peel",
      "sunburn",
      "photosensitive_medication",
    ],
  },
];

