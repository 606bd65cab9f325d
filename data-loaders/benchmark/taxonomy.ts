/**
 * MedHELM's clinician-validated taxonomy as data: 5 categories, 22 subcategories, and the
 * benchmark catalogue (37 HELM run groups) placed in it. Facts (names, HELM ids, access tiers,
 * main metrics, column headers) come from MedHELM's public code and paper (arXiv 2505.23802);
 * the descriptions are our own words. Everything that groups results by category reads this file.
 *
 * A team's own benchmark may leave its subcategory out. It then sits in the reserved group
 * `UNCLASSIFIED` (a category and a subcategory of that id), which is deliberately not among the
 * `categories` and `subcategories` arrays: those hold MedHELM's 5 and 22 and nothing else, so the
 * paper's counts and category tables never gain a sixth member, while every consumer that looks a
 * benchmark's group up by id (`category`, `subcategory`) still gets a record with a name to show.
 */

/** A top-level category of clinical work. */
export interface Category {
  /** Stable snake_case id, e.g. `clinical_decision_support`. */
  id: string;
  /** Display name. */
  name: string;
  /** One sentence in our own words. */
  description: string;
}

/** A subcategory of clinical work inside one category. */
export interface Subcategory {
  id: string;
  name: string;
  category: string;
  description: string;
}

/** Who may read a benchmark's data: shipped with the project, behind a data use agreement, or held by one institution. */
export type Access = "public" | "gated" | "private";

/** One benchmark of the MedHELM catalogue, independent of whether its data is present. */
export interface CatalogueEntry {
  /** HELM run-group name, which is also our benchmark id and file name. */
  id: string;
  name: string;
  /** One of the 22 subcategory ids, or `UNCLASSIFIED` for a team's benchmark that names none. */
  subcategory: string;
  access: Access;
  /** True when the answer is free text scored by the LLM jury. */
  openEnded: boolean;
  /** HELM's main metric name (`environment.main_name`). */
  mainMetric: string;
  /** Header of this benchmark's column in HELM's MedHELM leaderboard export. */
  helmColumn: string;
  /** The clinical task the benchmark instantiates, in our words. */
  task: string;
  /** Included in the 35-benchmark suite of the arXiv paper (false for MedQA and MedMCQA, added later). */
  inPaperV1: boolean;
}

export const categories: Category[] = [
  {id: "clinical_decision_support", name: "Clinical Decision Support", description: "Helping clinicians diagnose, plan treatment, anticipate risk and look up medical knowledge."},
  {id: "clinical_note_generation", name: "Clinical Note Generation", description: "Writing the documentation of care: visit notes, procedure notes, reports and care plans."},
  {id: "patient_communication_and_education", name: "Patient Communication and Education", description: "Explaining, instructing and answering patients and their proxies in plain language."},
  {id: "medical_research_assistance", name: "Medical Research Assistance", description: "Supporting literature work, research data analysis, research records and study quality."},
  {id: "administration_and_workflow", name: "Administration and Workflow", description: "Running the operational side of care: scheduling, billing, referrals and coordination."}
];

export const subcategories: Subcategory[] = [
  {id: "supporting_diagnostic_decisions", name: "Supporting Diagnostic Decisions", category: "clinical_decision_support", description: "Reasoning from findings and scores toward a diagnosis."},
  {id: "planning_treatments", name: "Planning Treatments", category: "clinical_decision_support", description: "Proposing or checking a course of treatment."},
  {id: "predicting_patient_risks_and_outcomes", name: "Predicting Patient Risks and Outcomes", category: "clinical_decision_support", description: "Forecasting events such as readmission or new disease from the record."},
  {id: "providing_clinical_knowledge_support", name: "Providing Clinical Knowledge Support", category: "clinical_decision_support", description: "Answering clinicians' knowledge questions about medicine and a patient's chart."},
  {id: "documenting_patient_visits", name: "Documenting Patient Visits", category: "clinical_note_generation", description: "Turning an encounter into visit notes, hospital courses and discharge documents."},
  {id: "recording_procedures", name: "Recording Procedures", category: "clinical_note_generation", description: "Writing up what was done during a procedure and what follows."},
  {id: "documenting_diagnostic_reports", name: "Documenting Diagnostic Reports", category: "clinical_note_generation", description: "Condensing diagnostic findings, such as imaging, into a report impression."},
  {id: "documenting_care_plans", name: "Documenting Care Plans", category: "clinical_note_generation", description: "Restructuring notes into the fields of a care plan."},
  {id: "providing_patient_education_resources", name: "Providing Patient Education Resources", category: "patient_communication_and_education", description: "Answering consumers' questions about medicines and conditions."},
  {id: "delivering_personalized_care_instructions", name: "Delivering Personalized Care Instructions", category: "patient_communication_and_education", description: "Writing instructions tailored to one patient's procedure and history."},
  {id: "patient_provider_messaging", name: "Patient-Provider Messaging", category: "patient_communication_and_education", description: "Reading, triaging and summarising messages between patients and care teams."},
  {id: "enhancing_patient_understanding_and_accessibility", name: "Enhancing Patient Understanding and Accessibility in Health Communication", category: "patient_communication_and_education", description: "Making health information understandable and reachable for lay readers."},
  {id: "facilitating_patient_engagement_and_support", name: "Facilitating Patient Engagement and Support", category: "patient_communication_and_education", description: "Responding supportively to patients, for example in counselling conversations."},
  {id: "conducting_literature_research", name: "Conducting Literature Research", category: "medical_research_assistance", description: "Drawing conclusions from biomedical abstracts and papers."},
  {id: "analyzing_clinical_research_data", name: "Analyzing Clinical Research Data", category: "medical_research_assistance", description: "Querying and analysing structured clinical data."},
  {id: "recording_research_processes", name: "Recording Research Processes", category: "medical_research_assistance", description: "Extracting research-relevant status from clinical records."},
  {id: "ensuring_clinical_research_quality", name: "Ensuring Clinical Research Quality", category: "medical_research_assistance", description: "Spotting biased, inaccurate or hallucinated medical content."},
  {id: "managing_research_enrollment", name: "Managing Research Enrollment", category: "medical_research_assistance", description: "Matching patients to trial eligibility criteria."},
  {id: "scheduling_resources_and_staff", name: "Scheduling Resources and Staff", category: "administration_and_workflow", description: "Deciding who needs which service and when."},
  {id: "overseeing_financial_activities", name: "Overseeing Financial Activities", category: "administration_and_workflow", description: "Coding and billing from clinical documentation."},
  {id: "organizing_workflow_processes", name: "Organizing Workflow Processes", category: "administration_and_workflow", description: "Routing patients and work to the right place."},
  {id: "care_coordination_and_planning", name: "Care Coordination and Planning", category: "administration_and_workflow", description: "Checking documentation and referrals so that care is coordinated."}
];

/**
 * The reserved id of the category and of the subcategory of a benchmark that names no MedHELM
 * subcategory. One id for both keeps the benchmark's two columns alike and needs no mapping.
 */
export const UNCLASSIFIED = "unclassified";

/** The group of benchmarks outside MedHELM's taxonomy, as a category (not one of `categories`). */
export const unclassifiedCategory: Category = {
  id: UNCLASSIFIED,
  name: "Not in MedHELM's taxonomy",
  description: "Benchmarks whose definition names no MedHELM subcategory; they count in the overall win rate but in none of MedHELM's categories."
};

/** The same group as a subcategory (not one of `subcategories`), so a benchmark's subcategory always resolves. */
export const unclassifiedSubcategory: Subcategory = {...unclassifiedCategory, category: UNCLASSIFIED};

/** Whether a subcategory or category id is one of MedHELM's (false for `UNCLASSIFIED`). */
export function inTaxonomy(id: string): boolean {
  return id !== UNCLASSIFIED;
}

const entry = (
  id: string, name: string, subcategory: string, access: Access, openEnded: boolean,
  mainMetric: string, helmColumn: string, task: string, inPaperV1 = true
): CatalogueEntry => ({id, name, subcategory, access, openEnded, mainMetric, helmColumn, task, inPaperV1});

/** The 37 benchmarks in the order of MedHELM's leaderboard export (35 of the paper, then MedQA and MedMCQA). */
export const catalogue: CatalogueEntry[] = [
  entry("medcalc_bench", "MedCalc-Bench", "supporting_diagnostic_decisions", "public", false, "medcalc_bench_accuracy", "MedCalc-Bench - MedCalc Accuracy", "Compute a clinical score or value from a patient note"),
  entry("clear", "CLEAR", "supporting_diagnostic_decisions", "private", false, "exact_match", "CLEAR - EM", "Decide whether a note documents a history of a condition"),
  entry("mtsamples_replicate", "MTSamples", "planning_treatments", "public", true, "mtsamples_replicate_accuracy", "MTSamples - Jury Score", "Propose a treatment plan from a transcribed report"),
  entry("medec", "Medec", "planning_treatments", "public", false, "medec_error_flag_accuracy", "Medec - MedecFlagAcc", "Detect and correct a medical error in a clinical text"),
  entry("ehrshot", "EHRSHOT", "predicting_patient_risks_and_outcomes", "gated", false, "exact_match", "EHRSHOT - EM", "Predict a clinical outcome from a coded patient timeline"),
  entry("head_qa", "HeadQA", "providing_clinical_knowledge_support", "public", false, "exact_match", "HeadQA - EM", "Answer healthcare specialisation exam questions"),
  entry("medbullets", "Medbullets", "providing_clinical_knowledge_support", "public", false, "exact_match", "Medbullets - EM", "Answer USMLE Step 2/3 style clinical vignettes"),
  entry("med_qa", "MedQA", "providing_clinical_knowledge_support", "public", false, "exact_match", "MedQA - EM", "Answer USMLE-style multiple-choice questions", false),
  entry("med_mcqa", "MedMCQA", "providing_clinical_knowledge_support", "public", false, "exact_match", "MedMCQA - EM", "Answer Indian medical entrance exam questions", false),
  entry("medalign", "MedAlign", "providing_clinical_knowledge_support", "gated", true, "medalign_accuracy", "MedAlign - Jury Score", "Follow a clinician's instruction over a patient's EHR"),
  entry("shc_ptbm_med", "ADHD-Behavior", "providing_clinical_knowledge_support", "private", false, "exact_match", "ADHD-Behavior - EM", "Detect parent behaviour-management training advice in ADHD notes"),
  entry("shc_sei_med", "ADHD-MedEffects", "providing_clinical_knowledge_support", "private", false, "exact_match", "ADHD-MedEffects - EM", "Detect documented medication side-effect counselling in ADHD notes"),
  entry("dischargeme", "DischargeMe", "documenting_patient_visits", "gated", true, "dischargeme_accuracy", "DischargeMe - Jury Score", "Write discharge instructions or a brief hospital course"),
  entry("aci_bench", "ACI-Bench", "documenting_patient_visits", "public", true, "aci_bench_accuracy", "ACI-Bench - Jury Score", "Write a clinical note from a doctor-patient conversation"),
  entry("mtsamples_procedures", "MTSamples Procedures", "recording_procedures", "public", true, "mtsamples_procedures_accuracy", "MTSamples Procedures - Jury Score", "Document a plan from a procedure report"),
  entry("mimic_rrs", "MIMIC-RRS", "documenting_diagnostic_reports", "gated", true, "mimic_rrs_accuracy", "MIMIC-RRS - Jury Score", "Write a radiology impression from its findings"),
  entry("mimic_bhc", "MIMIC-IV-BHC", "documenting_patient_visits", "gated", true, "mimic_bhc_accuracy", "MIMIC-BHC - Jury Score", "Summarise a clinical note into a brief hospital course"),
  entry("chw_care_plan", "NoteExtract", "documenting_care_plans", "private", true, "chw_care_plan_accuracy", "NoteExtract - Jury Score", "Restructure a community health worker note into a care-plan format"),
  entry("medication_qa", "MedicationQA", "providing_patient_education_resources", "public", true, "medication_qa_accuracy", "MedicationQA - Jury Score", "Answer consumers' questions about medications"),
  entry("starr_patient_instructions", "PatientInstruct", "delivering_personalized_care_instructions", "private", true, "starr_patient_instructions_accuracy", "PatientInstruct - Jury Score", "Write personalised post-procedure instructions"),
  entry("med_dialog", "MedDialog", "patient_provider_messaging", "public", true, "med_dialog_accuracy", "MedDialog - Jury Score", "Summarise a patient-doctor conversation in one sentence"),
  entry("shc_conf_med", "MedConfInfo", "patient_provider_messaging", "private", false, "exact_match", "MedConfInfo - EM", "Detect confidential information in a clinical note"),
  entry("medi_qa", "MEDIQA", "enhancing_patient_understanding_and_accessibility", "public", true, "medi_qa_accuracy", "MEDIQA - Jury Score", "Answer consumer health questions"),
  entry("mental_health", "MentalHealth", "facilitating_patient_engagement_and_support", "private", true, "mental_health_accuracy", "MentalHealth - Jury Score", "Respond as a counsellor in a mental health conversation"),
  entry("shc_proxy_med", "ProxySender", "patient_provider_messaging", "private", false, "exact_match", "ProxySender - EM", "Tell whether a portal message was written by a proxy"),
  entry("shc_privacy_med", "PrivacyDetection", "patient_provider_messaging", "private", false, "exact_match", "PrivacyDetection - EM", "Detect private information in a portal message"),
  entry("pubmed_qa", "PubMedQA", "conducting_literature_research", "public", false, "exact_match", "PubMedQA - EM", "Answer a research question from an abstract (yes/no/maybe)"),
  entry("ehr_sql", "EHRSQL", "analyzing_clinical_research_data", "public", false, "ehr_sql_execution_accuracy", "EHRSQL - EHRSQLExeAcc", "Translate a question about EHR data into SQL"),
  entry("shc_bmt_med", "BMT-Status", "recording_research_processes", "private", false, "exact_match", "BMT-Status - EM", "Tell a patient's bone-marrow-transplant status from a note"),
  entry("race_based_med", "RaceBias", "ensuring_clinical_research_quality", "public", false, "exact_match", "RaceBias - EM", "Flag race-based or harmful medical content"),
  entry("n2c2_ct_matching", "N2C2-CT Matching", "managing_research_enrollment", "gated", false, "exact_match", "N2C2-CT - EM", "Decide whether a patient meets a trial criterion"),
  entry("medhallu", "MedHallu", "ensuring_clinical_research_quality", "public", false, "exact_match", "MedHallu - EM", "Tell a factual answer from a hallucinated one"),
  entry("shc_gip_med", "HospiceReferral", "scheduling_resources_and_staff", "private", false, "exact_match", "HospiceReferral - EM", "Decide whether a patient qualifies for general inpatient hospice"),
  entry("mimiciv_billing_code", "MIMIC-IV Billing Code", "overseeing_financial_activities", "gated", false, "mimiciv_billing_code_f1", "MIMIC-IV Billing Code - MIMICBillingF1", "Assign ICD-10 codes to a discharge note"),
  entry("shc_sequoia_med", "ClinicReferral", "organizing_workflow_processes", "private", false, "exact_match", "ClinicReferral - EM", "Decide whether a referral matches clinic criteria"),
  entry("shc_cdi_med", "CDI-QA", "care_coordination_and_planning", "private", false, "exact_match", "CDI-QA - EM", "Answer clinical documentation integrity queries"),
  entry("shc_ent_med", "ENT-Referral", "care_coordination_and_planning", "private", false, "exact_match", "ENT-Referral - EM", "Classify ENT referral notes (yes, no, not mentioned)")
];

/**
 * The subcategory record of an id, the unclassified group's for `UNCLASSIFIED`; throws on an
 * unknown id so that typos fail at load.
 */
export function subcategory(id: string): Subcategory {
  if (id === UNCLASSIFIED) return unclassifiedSubcategory;
  const found = subcategories.find((s) => s.id === id);
  if (!found) throw new Error(`unknown subcategory: ${id}`);
  return found;
}

/** The category record of an id, the unclassified group's for `UNCLASSIFIED`; throws on an unknown id. */
export function category(id: string): Category {
  if (id === UNCLASSIFIED) return unclassifiedCategory;
  const found = categories.find((c) => c.id === id);
  if (!found) throw new Error(`unknown category: ${id}`);
  return found;
}

/** The catalogue entry of a benchmark id, or undefined when MedHELM has no such benchmark. */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return catalogue.find((b) => b.id === id);
}

/** The category id a benchmark belongs to (through its subcategory). */
export function categoryOf(benchmarkId: string): string {
  const found = catalogueEntry(benchmarkId);
  if (!found) throw new Error(`unknown benchmark: ${benchmarkId}`);
  return subcategory(found.subcategory).category;
}
