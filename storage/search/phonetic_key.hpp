#pragma once
// A sound key for one Spanish name word, so that the spellings staff really
// type for the same name meet: b/v (and w), s/z/c before e/i, y/ll, a silent
// h, ñ/n (folded before), k/qu/c before a/o/u, g/j before e/i, ph/f, x/ks,
// n before b/p, and doubled letters. "Valderrama" and "Balderama" both give
// "balderama"; "Yépez" and "Llepes" give "yepes"; "Hernández" and "Ernandes"
// give "ernandes". Vowels are kept: they tell most Spanish names apart.
//
// Input is one word as foldForSearch/splitWords give it (lower-case ASCII
// letters and digits); anything else is skipped. Pure and thread-safe.
#include <string>
#include <string_view>

namespace chasqui::storage {

std::string phoneticKey(std::string_view foldedWord);

// The keys of every word of a name ("María José" -> "maria jose"), space
// separated, in order; words without letters are left out.
std::string phoneticKeys(std::string_view text);

}  // namespace chasqui::storage
