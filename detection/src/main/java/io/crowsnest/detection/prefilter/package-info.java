/**
 * The multi-pattern prefilter: every rule's fast pattern of a rule group goes into one Aho-Corasick automaton
 * ({@link io.crowsnest.detection.prefilter.PatternSetBuilder}); one pass over a payload reports, through a
 * {@link io.crowsnest.detection.prefilter.MatchSet}, the ids of the patterns that occur, so only those rules
 * are evaluated. See {@link io.crowsnest.detection.prefilter.AhoCorasickMatcher} for the design.
 */
package io.crowsnest.detection.prefilter;
