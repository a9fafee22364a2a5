// The library's contract: what the five functions take, and the objects they return — the same objects
// `--format json` prints (docs/json.md, docs/api.md). Plain data: JSON.stringify gives the CLI's output.

/** A list: an array, or one string with commas (`"W1,W2"`; commas inside brackets do not split). */
export type Names = string | readonly string[];

export interface DeriveRequest {
  /** the function, e.g. `0.5*norm(W2*W1*X - Y)^2` */
  readonly f: string;
  /** declarations, e.g. `W1: h x d; W2: k x h; X: d x n; Y: k x n` */
  readonly decl: string;
  /** the variables (default: every matrix or vector f depends on) */
  readonly wrt?: Names;
  /** definitions such as `E = W2*W1*X - Y`; results use the names */
  readonly def?: string | readonly string[];
  /** ∇_vec(X) vec F, the Jacobian in denominator layout */
  readonly jacobian?: boolean;
  /** the Hessian: vec blocks, the bilinear form, Hessian-vector products */
  readonly hessian?: boolean;
  /**
   * record the derivation step by step: 'differential' (df = … = ⟨G, dX⟩ ⇒ ∇_X f = G; with `hessian`:
   * every block, d²f, every HVP), 'vec' (∇_vec(X) f, Zhou & Liang App. B), or true: vec where its rules
   * apply, else differential
   */
  readonly steps?: boolean | 'differential' | 'vec';
  /** Hessians: evaluate at a point given by a substitution, e.g. `Y = W2*W1*X` */
  readonly at?: string | readonly string[];
  /** Hessians: evaluate where an equation holds, e.g. `W2*W1*X - Y = 0` */
  readonly assume?: string | readonly string[];
  /** check numerically (default true) */
  readonly check?: boolean;
  /** seed of the random check points */
  readonly seed?: number;
}

export interface VerifyRequest {
  readonly f: string;
  readonly decl: string;
  readonly wrt: string;
  /** the claimed derivative */
  readonly claim: string;
  /** grad | vecgrad | jacobian | hessian | hessian-form (default: grad for a scalar f, jacobian otherwise) */
  readonly kind?: string;
  readonly def?: string | readonly string[];
  readonly seed?: number;
}

/** A relation between two expressions, without f: "LHS <= RHS" (<, >=, >) or "LHS = RHS". */
export interface RelationRequest {
  readonly decl: string;
  readonly claim: string;
  readonly def?: string | readonly string[];
  /** evaluation points, "x = sqrt(eigval(M, 2))*eigvec(M, 2)" (applied in order) */
  readonly at?: string | readonly string[];
  readonly seed?: number;
}

/** A derivation document (docs/documents.md): its text, and the name messages use for it. */
export interface DocumentInput {
  readonly text: string;
  /** default `<document>` */
  readonly name?: string;
}

export interface CheckRequest {
  /** documents given as text */
  readonly documents?: readonly DocumentInput[];
  /** documents read from files (`*.matcalc`) or directories of them */
  readonly paths?: readonly string[];
  /** also render each (HTML, .tex, Markdown) with an index page into this directory, as `matcalc check` */
  readonly out?: string;
  readonly seed?: number;
}

export interface CodegenRequest {
  readonly f: string;
  readonly decl: string;
  readonly wrt?: Names;
  readonly target: 'numpy' | 'torch' | 'ts';
  /** typical sizes for ordering matrix products, e.g. `n=60000, d=784` */
  readonly sizes?: string;
  readonly def?: string | readonly string[];
  readonly check?: boolean;
  readonly seed?: number;
}

export type RenderFormat = 'latex' | 'md' | 'html';

/** A derivation (what `derive` takes) or a document, as a complete LaTeX, Markdown or HTML document. */
export type RenderRequest = (DeriveRequest | { readonly document: string; readonly name?: string; readonly seed?: number }) & {
  readonly format: RenderFormat;
};

// ── results ────────────────────────────────────────────────────────────────────────────────────────

/** Text in the input language, and the same in LaTeX (math mode). */
export interface Formula {
  readonly text: string;
  readonly latex: string;
}

export interface ErrorJson {
  readonly kind: 'input' | 'unsupported' | 'check' | 'usage' | 'internal' | 'timeout' | 'too-large';
  readonly message: string;
  /** the input with a caret under the place */
  readonly detail?: string;
  /** which input (`expression`, `declarations`, …) and the 1-based columns */
  readonly position?: { readonly input: string; readonly column: number; readonly endColumn: number };
}

/** What the CLI prints with `--format json` when the input is bad (exit 2) or a check cannot run. */
export interface ErrorsJson {
  readonly matcalc: 1;
  readonly errors: readonly ErrorJson[];
}

export interface PointJson {
  readonly instance?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly entries: 'gaussian' | 'positive' | 'mixed';
  readonly directionalError: number;
  readonly entrywiseError?: number;
  readonly passed: boolean;
}

/** holds; fails (with a counterexample); unchecked (no verdict, with the reason) — docs/checking.md */
export type StatusJson = 'holds' | 'fails' | 'unchecked';

/** Where a check found the two sides to differ, both finite: the point, and what was compared there. */
export interface CheckCounterexampleJson {
  readonly instance?: string;
  readonly sizes: Readonly<Record<string, number>>;
  /** a value for every symbol */
  readonly values: Readonly<Record<string, Rows>>;
  /** the claim's side (for a derivative: applied to `direction`) and the other side (the finite difference) */
  readonly left: Rows;
  readonly right: Rows;
  readonly direction?: Readonly<Record<string, Rows>>;
}

/** What every verdict of the checking kernel has. */
export interface JudgementJson {
  readonly status: StatusJson;
  /** status is holds */
  readonly passed: boolean;
  /** why there is no verdict (unchecked) */
  readonly reason?: string;
  /** where it is false (fails) */
  readonly counterexample?: CheckCounterexampleJson;
}

/** The numerical verdict on a gradient or Jacobian (docs/checking.md). */
export interface VerdictJson extends JudgementJson {
  readonly method: string;
  readonly tolerance: number;
  readonly maxError: number;
  readonly points: readonly PointJson[];
  readonly evaluations: number;
  readonly notes: readonly string[];
}

export interface DeclarationJson {
  readonly name: string;
  readonly shape: string;
  readonly properties: readonly string[];
}

export interface DefinitionJson extends Formula {
  readonly name: string;
  readonly shape: string;
}

export interface StepsJson {
  readonly wrt: string;
  /** differential (df = … ⇒ ∇_X f = G) or vec (∇_vec(X) f, Zhou & Liang App. B) */
  readonly style: 'differential' | 'vec';
  /** the aligned display with the "where (i) follows …" paragraph, as `--steps --format latex` */
  readonly latex: string;
  /** the lines as text, one per step */
  readonly text: readonly string[];
  readonly check: { readonly status: StatusJson; readonly passed: boolean; readonly reason?: string; readonly tolerance: number; readonly maxError: number; readonly firstFailure: number | null; readonly summary: string };
}

/** A recorded Hessian derivation: what it derives ("H[W1, W2]", "d²f", "(HΔ)_W1"), as `StepsJson`. */
export interface HessianStepsJson extends Omit<StepsJson, 'wrt' | 'style'> {
  readonly quantity: string;
  readonly result: 'Hessian block' | 'bilinear form' | 'Hessian-vector product';
}

/** `derive` (gradients and vec-Jacobians). */
export interface DeriveJson {
  readonly matcalc: 1;
  readonly command: 'derive';
  readonly kind: 'gradient' | 'vec-jacobian';
  readonly function: Formula & { readonly shape: string };
  readonly declarations: readonly DeclarationJson[];
  readonly families?: readonly unknown[];
  readonly indices?: readonly unknown[];
  readonly results: readonly (Formula & {
    readonly wrt: string;
    readonly shape: string;
    readonly expanded: string;
    readonly note?: string;
    readonly alternative?: Formula & { readonly convention: string };
  })[];
  readonly definitions: readonly DefinitionJson[];
  /** with `steps` */
  readonly steps?: readonly StepsJson[];
  readonly check: VerdictJson | null;
  readonly errors: readonly ErrorJson[];
}

/** The verdict on a Hessian: the gradient's, H·V against differences of the gradient, ∇²f[V,V] (docs/hessians.md). */
export interface HessianVerdictJson extends JudgementJson {
  readonly method: string;
  readonly tolerance: number;
  readonly quadraticTolerance: number;
  readonly gradient: VerdictJson;
  readonly maxError: number;
  readonly points: readonly {
    readonly instance?: string;
    readonly sizes: Readonly<Record<string, number>>;
    /** H·V against central differences of the gradient */
    readonly hvpError: number;
    readonly blockError: number;
    /** ∇²f[V,V] against second differences of f */
    readonly quadraticError: number;
    readonly asymmetry: number;
    readonly entrywiseError?: number;
    readonly passed: boolean;
  }[];
  readonly evaluations: number;
  readonly notes?: readonly string[];
}

/** `derive` with `hessian`. */
export interface HessianJson {
  readonly matcalc: 1;
  readonly command: 'derive';
  readonly kind: 'hessian';
  readonly function: Formula & { readonly shape: string };
  readonly variables: readonly { readonly name: string; readonly shape: string }[];
  readonly assumptions: readonly { readonly symbol: string; readonly value: string; readonly source: string }[];
  readonly convention: string;
  readonly blocks: readonly (Formula & { readonly rows: string; readonly cols: string; readonly shape: string })[];
  readonly bilinear: Formula;
  readonly hvp: readonly (Formula & { readonly wrt: string })[];
  readonly definitions: readonly DefinitionJson[];
  /** with `steps`: every block on and above the diagonal, d²f, every HVP */
  readonly steps?: readonly HessianStepsJson[];
  readonly check: HessianVerdictJson | null;
  readonly errors: readonly ErrorJson[];
}

/** `derive` with `hessian` and `wrt` a whole family (W): the bilinear form over every layer. */
export interface FamilyHessianJson {
  readonly matcalc: 1;
  readonly command: 'derive';
  readonly kind: 'hessian-family';
  readonly function: Formula & { readonly shape: string };
  readonly family: string;
  readonly assumptions: readonly { readonly symbol: string; readonly value: string; readonly source: string }[];
  readonly bilinear: Formula;
  readonly definitions: readonly DefinitionJson[];
  readonly check: (JudgementJson & {
    readonly method: string;
    readonly tolerance: number;
    readonly maxError: number;
    readonly points: readonly { readonly instance?: string; readonly sizes: Readonly<Record<string, number>>; readonly error: number; readonly passed: boolean }[];
    readonly evaluations: number;
    readonly notes?: readonly string[];
  }) | null;
  readonly errors: readonly ErrorJson[];
}

/** A small matrix, by rows. */
export type Rows = readonly (readonly number[])[];

/** `verify` of a claimed derivative (docs/verify.md). */
export interface VerifyJson {
  readonly matcalc: 1;
  readonly command: 'verify';
  readonly kind: string;
  /** UNCHECKED: the numerical check gave no verdict (numerical.reason) */
  readonly verdict: 'VERIFIED' | 'FALSE' | 'UNCHECKED';
  readonly status: StatusJson;
  readonly function: { readonly text: string; readonly shape: string };
  readonly wrt: { readonly name: string; readonly shape: string; readonly properties: readonly string[] };
  /** ∇_W1 f, ∇_vec(X) f, … */
  readonly derivative: string;
  readonly claim: { readonly input: string; readonly text: string | null; readonly shape: string | null; readonly expectedShape: string };
  readonly illTyped: unknown;
  readonly symbolic: unknown;
  readonly numerical: VerdictJson | null;
  readonly correct: Formula & { readonly shape: string; readonly cookbook?: string; readonly check: VerdictJson | null };
  /** the slips that explain a false claim exactly, simplest first ([verify.md](../../docs/verify.md)) */
  readonly diagnosis: readonly { readonly kinds: readonly string[]; readonly slips: 1 | 2; readonly sentence: string; readonly corrected: string | null }[] | null;
  /** small sizes and integer entries where the claim is false */
  readonly counterexample: {
    readonly sizes: Readonly<Record<string, number>>;
    readonly entries: string;
    readonly inputs: Readonly<Record<string, Rows>>;
    readonly claimed: Rows;
    readonly true: Rows;
    readonly centralDifferences: Rows;
  } | null;
  readonly notes: readonly string[];
  readonly errors: readonly ErrorJson[];
}

/** The evidence about an inequality: random points and local searches, and the counterexample found. */
export interface InequalityJson {
  readonly status: 'holds' | 'fails' | 'unchecked';
  readonly relation: '<=' | '<' | '>=' | '>';
  readonly points: number;
  readonly searches: number;
  readonly evaluations: number;
  readonly tolerance: number;
  /** the largest relative margin seen (≤ 0 when never violated) */
  readonly closest: number | null;
  /** why there is no verdict */
  readonly reason: string | null;
  readonly counterexample: {
    readonly sizes: Readonly<Record<string, number>>;
    readonly values: Readonly<Record<string, Rows>>;
    readonly left: number;
    readonly right: number;
    /** by how much it fails (lhs − rhs for <=, <; rhs − lhs for >=, >) and that relative to the sides' scale */
    readonly margin: number;
    readonly relative: number;
    readonly foundBy: 'sampling' | 'search';
    readonly index: number;
    readonly rounded: boolean;
  } | null;
}

/** `verify` of a relation without f: an inequality "LHS <= RHS" or an identity "LHS = RHS" (docs/verify.md). */
export interface RelationJson {
  readonly matcalc: 1;
  readonly command: 'verify';
  readonly kind: 'inequality' | 'identity';
  readonly verdict: 'HOLDS' | 'FALSE' | 'UNCHECKED';
  readonly status: 'holds' | 'fails' | 'unchecked';
  readonly claim: { readonly input: string; readonly text: string; readonly latex: string; readonly relation: string; readonly left: string; readonly right: string };
  readonly definitions: readonly string[];
  readonly at: readonly { readonly symbol: string; readonly value: string }[];
  /** an inequality's evidence, or an identity's comparison */
  readonly evidence: InequalityJson | { readonly tolerance: number; readonly error: number };
  /** an identity's small integer counterexample (an inequality's is in evidence) */
  readonly counterexample: CounterexampleJson | null;
  readonly errors: readonly ErrorJson[];
}

export interface CounterexampleJson {
  readonly instance?: string;
  readonly sizes: Readonly<Record<string, number>>;
  /** small integers, or the random point where the checker found the sides to differ */
  readonly entries: 'integer' | 'positive integer' | 'random';
  readonly inputs: Readonly<Record<string, Rows>>;
  readonly left: Rows;
  readonly right: Rows;
}

export interface ClaimLineJson {
  readonly kind: 'claim' | 'refute';
  readonly line: number;
  readonly label: string | null;
  readonly lhs: string;
  /** = for an equation, <=, <, >=, > for an inequality */
  readonly relation: string;
  readonly rhs: string;
  /** the checker's verdict on the equation (inequality) */
  readonly status: StatusJson;
  /** the equation (inequality) holds */
  readonly holds: boolean;
  /** it holds exactly when the document says so (claim: holds, refute: does not) */
  readonly passed: boolean;
  readonly error: number | null;
  readonly message: string | null;
  /** a false equation's slips (the right side against the left); `correct` when the left side is a derivative matcalc works out */
  readonly diagnosis: { readonly findings: readonly string[]; readonly correct: string | null } | null;
  readonly counterexample: CounterexampleJson | null;
  /** for an inequality: the random points, the searches and what they found */
  readonly inequality: InequalityJson | null;
}

export interface ProofJson {
  readonly kind: 'proof';
  readonly line: number;
  readonly label: string | null;
  readonly passed: boolean;
  readonly steps: readonly {
    readonly line: number;
    readonly source: string;
    readonly passed: boolean;
    readonly status: StatusJson;
    readonly error: number | null;
    readonly rule: { readonly name: string; readonly justified: boolean } | null;
    readonly because: string | null;
    readonly message: string | null;
    readonly findings: readonly string[];
    readonly counterexample: CounterexampleJson | null;
  }[];
}

/** One derivation document, checked. */
export interface DocumentJson {
  readonly file: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly verdict: 'VERIFIED' | 'FALSE';
  readonly passed: boolean;
  /** one line: "verified: every claim and every step holds", or the first failure */
  readonly status: string;
  readonly items: readonly (ClaimLineJson | ProofJson)[];
  readonly firstFailure: { readonly line: number; readonly message: string } | null;
}

/** `checkDocuments`, `verify FILE… --format json`, `check --format json`. */
export interface DocumentsJson {
  readonly matcalc: 1;
  readonly command: 'verify' | 'check';
  readonly kind: 'documents';
  readonly passed: boolean;
  readonly verified: number;
  readonly total: number;
  readonly documents: readonly DocumentJson[];
  /** with `out`: where the pages were written */
  readonly pages?: string;
}

/** `codegen`. */
export interface CodegenJson {
  readonly matcalc: 1;
  readonly command: 'codegen';
  readonly target: 'numpy' | 'torch' | 'ts';
  /** the module's source */
  readonly code: string;
  /** the gradients' check (null with check: false) */
  readonly check: VerdictJson | null;
  /** why the module has no hessian, when it has none */
  readonly hessianSkipped: string | null;
}

/** `render`: a complete document. */
export interface RenderJson {
  readonly matcalc: 1;
  readonly command: 'render';
  readonly format: RenderFormat;
  readonly title: string;
  /** the derivation's check passed, or every claim and step of the document holds (false: rendered all the same) */
  readonly passed: boolean;
  /** the .tex (standalone), the Markdown, or one self-contained HTML page (KaTeX's CSS and fonts inlined) */
  readonly content: string;
}
