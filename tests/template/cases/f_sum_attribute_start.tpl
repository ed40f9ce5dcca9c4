{{ [1, 2]|sum(start=10) }} {{ [[1], [2, 3]]|sum(start=[]) }}
{{ results.results|sum(attribute='size', start=1000) }} {{ results.results|map(attribute='uuid')|sum(start=[])|length }}
