{{ 'ΣΑΣ ΟΔΟΣ'|lower }} {{ 'ﬁle'|upper }} {{ 'İstanbul'|lower|length }} {{ 'ÉCOLE'|capitalize }} {{ 'ǆemal'|title }} {{ 'ßtraße'|capitalize }}
{{ 'été' is lower }} {{ 'ÉTÉ' is upper }} {{ '日本' is lower }} {{ 'ÉTÉ'|lower is lower }} {{ ['b', 'É', 'e', 'a']|sort }} {{ ['b', 'É', 'e', 'a']|sort(case_sensitive=true) }}
{{ ['É', 'é', 'e']|unique|list }} {{ 'hello wörld-ÿes'|title }}
