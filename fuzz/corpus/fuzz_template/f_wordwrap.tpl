{{ 'The quick brown fox jumps over the lazy dog and keeps running far away'|wordwrap(20) }}
--
{{ 'averyveryverylongwordthatneedsbreaking and more'|wordwrap(10) }}
--
{{ 'averyveryverylongword stays'|wordwrap(10, false) }}
--
{{ 'a b c d e f'|wordwrap(3, wrapstring='|') }}
