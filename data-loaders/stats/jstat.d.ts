/**
 * Types for the part of jstat the statistics modules use. jstat (a maintained distributions
 * library) ships no declarations and there is no @types package, so they are declared once here.
 */
declare module "jstat" {
  interface Distribution2 {
    cdf(x: number, df1: number, df2: number): number;
    inv(p: number, df1: number, df2: number): number;
  }
  const jStat: {
    normal: {inv(p: number, mean: number, sd: number): number; cdf(x: number, mean: number, sd: number): number};
    centralF: Distribution2;
    studentt: {inv(p: number, df: number): number; cdf(x: number, df: number): number};
  };
  export default jStat;
}
