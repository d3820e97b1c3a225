/**
 * Bounded regular expressions for the rule option {@code pcre}: PCRE syntax translated to RE2/J (linear time)
 * where possible, otherwise java.util.regex under a step budget. Entry point:
 * {@link io.crowsnest.detection.pcre.PcreExpression#compile(String)}.
 */
package io.crowsnest.detection.pcre;
