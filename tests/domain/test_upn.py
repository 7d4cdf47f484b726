"""Unique pupil numbers: the DfE check letter, the shape of a UPN, temporary UPNs."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.upn import CHECK_ALPHABET, expected_check_letter, is_temporary, upn_problem

# The DfE's alphabet, written out here rather than imported, so the tests check the code against it.
DFE_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
EXAMPLE_UPNS = ("Z319700118114", "X319700119023", "X319700117077", "X319700121005")

ascii_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


def dfe_check_letter(body: str) -> str:
    """The DfE rule, done independently: characters 2..13 weighted by position, mod 23.

    A digit counts as its value; a letter (only in position 13, temporary UPNs) as its index in the
    alphabet.
    """
    assert len(body) == 12
    total = 0
    for position, char in enumerate(body, start=2):
        value = ord(char) - ord("0") if "0" <= char <= "9" else DFE_ALPHABET.index(char)
        total += position * value
    return DFE_ALPHABET[total % 23]


class TestCheckLetter:
    def test_the_alphabet_is_the_dfe_one_without_i_o_or_s(self):
        assert CHECK_ALPHABET == DFE_ALPHABET
        assert len(CHECK_ALPHABET) == 23
        assert not set("IOS") & set(CHECK_ALPHABET)

    @pytest.mark.parametrize("upn", EXAMPLE_UPNS)
    def test_the_example_school_upns_are_valid(self, upn):
        assert upn_problem(upn) is None
        assert expected_check_letter(upn) == upn[0]
        assert not is_temporary(upn)

    def test_worked_example(self):
        # Z319700118114: 3×2 + 1×3 + 9×4 + 7×5 + 0×6 + 0×7 + 1×8 + 1×9 + 8×10 + 1×11 + 1×12 + 4×13
        # = 252; 252 mod 23 = 22, the 23rd letter: Z.
        assert expected_check_letter("?319700118114") == "Z"

    @pytest.mark.parametrize(
        ("body", "letter"),
        [
            ("000000000000", "A"),  # remainder 0
            ("400000000000", "J"),  # remainder 8: J, since I is skipped
            ("000000000001", "P"),  # remainder 13: P, since O is skipped
            ("800000000000", "T"),  # remainder 16: T, since S is skipped
            ("000000000010", "N"),  # 1×12 = 12
            ("900000000009", "X"),  # 9×2 + 9×13 = 135; 135 mod 23 = 20 → X
        ],
    )
    def test_remainders_map_into_the_alphabet_skipping_i_o_and_s(self, body, letter):
        assert dfe_check_letter(body) == letter
        assert expected_check_letter("A" + body) == letter
        assert upn_problem(letter + body) is None

    def test_the_first_character_does_not_change_the_expected_letter(self):
        assert {expected_check_letter(c + "319700118114") for c in "ABZ9?"} == {"Z"}

    @pytest.mark.parametrize("upn", ["", "Z31970011811", "Z3197001181140", "Z31970A118114"])
    def test_no_expected_letter_when_the_digits_cannot_be_read(self, upn):
        assert expected_check_letter(upn) is None

    @given(ascii_digits)
    @settings(max_examples=200)
    def test_any_twelve_digits_with_their_check_letter_make_a_valid_upn(self, body):
        letter = dfe_check_letter(body)
        assert expected_check_letter(letter + body) == letter
        assert upn_problem(letter + body) is None
        assert not is_temporary(letter + body)


class TestWrongCheckLetter:
    def test_wrong_letter_is_refused_naming_the_expected_one(self):
        problem = upn_problem("A319700118114")
        assert problem is not None
        assert "A319700118114" in problem
        assert "call for Z" in problem

    @pytest.mark.parametrize("upn", EXAMPLE_UPNS)
    def test_swapping_two_digits_is_caught(self, upn):
        # The commonest typing slip: two neighbouring digits swapped.
        swapped = upn[:3] + upn[4] + upn[3] + upn[5:]
        assert swapped != upn
        assert upn_problem(swapped) is not None

    @given(ascii_digits, st.sampled_from(DFE_ALPHABET))
    @settings(max_examples=200)
    def test_any_other_letter_is_refused_and_the_message_names_the_right_one(self, body, letter):
        right = dfe_check_letter(body)
        if letter == right:
            letter = DFE_ALPHABET[(DFE_ALPHABET.index(letter) + 1) % 23]
        problem = upn_problem(letter + body)
        assert problem is not None
        assert f"call for {right}" in problem
        assert f"check letter {letter}" in problem

    @given(ascii_digits, st.sampled_from("IOS"))
    @settings(max_examples=50)
    def test_i_o_and_s_are_never_check_letters(self, body, letter):
        problem = upn_problem(letter + body)
        assert problem is not None
        assert "check letter" in problem


class TestShape:
    @pytest.mark.parametrize("value", [None, "", 319700118114, ["Z319700118114"]])
    def test_missing_or_not_text_is_refused(self, value):
        problem = upn_problem(value)
        assert problem is not None
        assert "required" in problem
        assert "13 characters" in problem

    @pytest.mark.parametrize(("upn", "length"), [("Z31970011811", 12), ("Z3197001181140", 14), ("Z", 1)])
    def test_wrong_length_is_refused_saying_how_long_it_is(self, upn, length):
        problem = upn_problem(upn)
        assert problem is not None
        assert f"has {length} characters" in problem
        assert "exactly 13" in problem

    @pytest.mark.parametrize("upn", ["z319700118114", "x319700119023"])
    def test_lowercase_is_refused(self, upn):
        problem = upn_problem(upn)
        assert problem is not None
        assert "capital" in problem

    @pytest.mark.parametrize("upn", [" Z319700118114", "Z319700118114 ", "Z319700118114\n"])
    def test_surrounding_spaces_are_refused(self, upn):
        problem = upn_problem(upn)
        assert problem is not None
        assert "no spaces" in problem

    def test_a_space_inside_is_refused(self):
        problem = upn_problem("Z3197 0118114")
        assert problem is not None
        assert "must be digits" in problem

    @pytest.mark.parametrize("first", ["I", "O", "S", "1", "#"])
    def test_first_character_must_be_a_check_letter(self, first):
        problem = upn_problem(first + "319700118114")
        assert problem is not None
        assert "must start with a check letter" in problem
        assert "without I, O or S" in problem

    @pytest.mark.parametrize("upn", ["Z31970A118114", "Z-19700118114", "Z3197001181A4", "ZA19700118114"])
    def test_non_digits_in_the_middle_are_refused(self, upn):
        problem = upn_problem(upn)
        assert problem is not None
        assert "characters 2 to 12 must be digits" in problem

    @pytest.mark.parametrize("last", ["I", "O", "S", "-", "."])
    def test_last_character_must_be_a_digit_or_an_alphabet_letter(self, last):
        problem = upn_problem("Z31970011811" + last)
        assert problem is not None
        assert "must end in a digit" in problem

    @pytest.mark.parametrize(
        "middle",
        [
            "٣١٩٧٠٠١١٨١١",  # Arabic-Indic digits
            "３１９７００１１８１１",  # full-width digits
        ],
        ids=["arabic-indic", "full-width"],
    )
    def test_digits_that_are_not_ascii_are_refused(self, middle):
        # A UPN is printed and typed as 0-9; lookalike digits (pasted from a document) must not pass
        # as a valid UPN that then never matches the MIS.
        body = middle + "4"
        candidates = [letter + body for letter in DFE_ALPHABET]
        accepted = [upn for upn in candidates if upn_problem(upn) is None]
        assert accepted == []

    @pytest.mark.parametrize("upn", ["Z²²²²²²²²²²²4", "Z3197001181¹4"], ids=["all-superscript", "one-superscript"])
    def test_superscript_digits_are_refused_not_a_crash(self, upn):
        problem = upn_problem(upn)
        assert problem is not None
        assert "digits" in problem

    @given(
        st.one_of(
            # Anything 13 characters long...
            st.text(
                alphabet=st.one_of(
                    st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                    st.characters(categories=["Nd", "No", "Lu", "Ll", "Zs"]),
                ),
                min_size=13,
                max_size=13,
            ),
            # ...and UPN-shaped text whose digits may be any Unicode digit or number.
            st.builds(
                lambda first, middle, last: first + middle + last,
                st.sampled_from(DFE_ALPHABET),
                st.text(alphabet=st.one_of(st.sampled_from("0123456789"), st.characters(categories=["Nd", "No"])),
                        min_size=11, max_size=11),
                st.sampled_from("0123456789" + DFE_ALPHABET),
            ),
        )
    )
    @example("Z²²²²²²²²²²²4")
    @settings(max_examples=300)
    def test_any_thirteen_characters_get_an_answer_and_only_ascii_upns_pass(self, upn):
        problem = upn_problem(upn)
        assert problem is None or isinstance(problem, str)
        if problem is None:
            assert upn[0] in DFE_ALPHABET
            assert all("0" <= c <= "9" for c in upn[1:12])
            assert upn[12] in DFE_ALPHABET or "0" <= upn[12] <= "9"


class TestTemporary:
    @pytest.mark.parametrize(
        "upn",
        [
            "P00000000000B",  # B is worth 1: 1×13 = 13 → P
            "L00000000000Z",  # Z is worth 22: 22×13 = 286; 286 mod 23 = 10 → L
            "A00000000000A",  # A is worth 0
        ],
    )
    def test_temporary_upns_value_the_last_letter_by_its_index(self, upn):
        assert upn_problem(upn) is None
        assert is_temporary(upn)

    def test_a_temporary_upn_with_the_wrong_check_letter_is_refused(self):
        problem = upn_problem("A00000000000B")
        assert problem is not None
        assert "call for P" in problem

    @pytest.mark.parametrize("upn", EXAMPLE_UPNS)
    def test_permanent_upns_are_not_temporary(self, upn):
        assert not is_temporary(upn)

    @given(eleven_digits, st.sampled_from(DFE_ALPHABET))
    @settings(max_examples=200)
    def test_any_eleven_digits_and_a_letter_with_their_check_letter_make_a_temporary_upn(self, digits, last):
        body = digits + last
        letter = dfe_check_letter(body)
        assert upn_problem(letter + body) is None
        assert is_temporary(letter + body)

    @given(eleven_digits, st.sampled_from(DFE_ALPHABET), st.sampled_from(DFE_ALPHABET))
    @settings(max_examples=100)
    def test_a_temporary_upn_with_any_other_letter_is_refused(self, digits, last, letter):
        body = digits + last
        right = dfe_check_letter(body)
        if letter == right:
            letter = DFE_ALPHABET[(DFE_ALPHABET.index(letter) + 1) % 23]
        problem = upn_problem(letter + body)
        assert problem is not None
        assert f"call for {right}" in problem
