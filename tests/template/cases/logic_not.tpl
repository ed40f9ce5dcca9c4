{{ not true }} {{ not [] }} {{ not results.results }} {{ not not 'x' }} {{ not 0 }} {{ not none }}
{{ not results.payloads == 0 }} {{ not 1 in [1] }} {{ (not 1) in [false] }}
