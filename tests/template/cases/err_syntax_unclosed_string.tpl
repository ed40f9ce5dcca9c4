{{ 'unterminated }}
