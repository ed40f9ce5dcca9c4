{{ 'a well-known long-hyphenated-word sits here'|wordwrap(12) }}
--
{{ 'first paragraph line\nsecond line that is rather long\n\nthird'|wordwrap(12) }}
--
{{ 'naïve café 日本語 texte accentué très long'|wordwrap(10) }}
--
{{ 'x  y   z'|wordwrap(3) }}
