[{{ '\u3000x\xa0'|trim }}] [{{ '\u2003 em \u2003'|trim }}] [{{ '\n\r\t x \x0b\x0c'|trim }}] [{{ '\u200bzw\u200b'|trim }}]
{{ 'naïve café 日本語'|wordcount }} {{ 'a\xa0b c'|wordcount }} {{ 'it’s über-cool_stuff'|wordcount }}
{{ '<p>a\u3000b</p>\n  c'|striptags }} [{{ 'x\xa0\xa0y'|center(7) }}]
