-- The impact story's figures: headline metrics and chart series, each value with
-- when, where, what was measured and its source. Only figures read in the source
-- ("verified", V in content/impact-facts.md) may become chart values; secondary
-- figures (S) appear in prose with their source, never as a bar.
-- Public pages read through anon, which sees only published rows.

create table public.impact_metrics (
	key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
	value numeric not null check (value >= 0),
	unit text not null check (unit in ('people', 'count', 'percent', 'communities')),
	-- How the figure is said: 1,775+ (plus), at least 73 % (at_least), or as is.
	qualifier text not null default 'exact' check (qualifier in ('exact', 'plus', 'at_least')),
	source_title text not null check (length(source_title) between 1 and 300),
	source_url text check (source_url ~ '^https://[^\s]+$'),
	verification text not null check (verification in ('verified', 'secondary')),
	published boolean not null default false,
	sort int not null default 0,
	updated_by uuid references public.staff (id),
	updated_at timestamptz not null default now()
);

create table public.impact_metric_translations (
	metric_key text not null references public.impact_metrics (key) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	label text not null check (length(label) between 1 and 200),
	-- The year or period as the source gives it ("2015", "early 2000s").
	as_of text not null check (length(as_of) between 1 and 60),
	place text not null check (length(place) between 1 and 200),
	measured text not null check (length(measured) between 1 and 500),
	primary key (metric_key, language)
);

create table public.impact_series (
	key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
	-- percent: a share; percent_drop: a fall, as a positive number; rate: per the unit in the title.
	unit text not null check (unit in ('percent', 'percent_drop', 'rate')),
	published boolean not null default false,
	sort int not null default 0,
	updated_at timestamptz not null default now()
);

create table public.impact_series_translations (
	series_key text not null references public.impact_series (key) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	title text not null check (length(title) between 1 and 200),
	-- What the chart shows, said in a sentence, and how to read it (methods differ...).
	caption text not null check (length(caption) between 1 and 1000),
	method_note text check (length(method_note) <= 1000),
	value_label text not null check (length(value_label) between 1 and 100),
	primary key (series_key, language)
);

create table public.impact_series_points (
	id bigint generated always as identity primary key,
	series_key text not null references public.impact_series (key) on delete cascade,
	sort int not null default 0,
	value numeric not null check (value >= 0),
	-- A range as the source gives it (15–30 %): value_low to value.
	value_low numeric check (value_low >= 0 and value_low < value),
	source_title text not null check (length(source_title) between 1 and 300),
	source_url text check (source_url ~ '^https://[^\s]+$'),
	-- A chart bar must have been read in its source.
	verification text not null default 'verified' check (verification = 'verified'),
	published boolean not null default false,
	updated_by uuid references public.staff (id),
	updated_at timestamptz not null default now()
);
create index impact_series_points_series on public.impact_series_points (series_key, sort);

create table public.impact_point_translations (
	point_id bigint not null references public.impact_series_points (id) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	label text not null check (length(label) between 1 and 100),
	as_of text not null check (length(as_of) between 1 and 60),
	place text not null check (length(place) between 1 and 200),
	measured text not null check (length(measured) between 1 and 500),
	primary key (point_id, language)
);

create trigger impact_metrics_touch before update on public.impact_metrics
	for each row execute function public.touch_updated_at();
create trigger impact_series_touch before update on public.impact_series
	for each row execute function public.touch_updated_at();
create trigger impact_series_points_touch before update on public.impact_series_points
	for each row execute function public.touch_updated_at();

alter table public.impact_metrics enable row level security;
alter table public.impact_metric_translations enable row level security;
alter table public.impact_series enable row level security;
alter table public.impact_series_translations enable row level security;
alter table public.impact_series_points enable row level security;
alter table public.impact_point_translations enable row level security;

-- anon reads what is published, and nothing else.
grant select on public.impact_metrics, public.impact_metric_translations, public.impact_series,
	public.impact_series_translations, public.impact_series_points, public.impact_point_translations
	to anon;
create policy impact_metrics_published on public.impact_metrics for select to anon using (published);
create policy impact_metric_translations_published on public.impact_metric_translations for select to anon
	using (exists (select 1 from public.impact_metrics x where x.key = metric_key and x.published));
create policy impact_series_published on public.impact_series for select to anon using (published);
create policy impact_series_translations_published on public.impact_series_translations for select to anon
	using (exists (select 1 from public.impact_series x where x.key = series_key and x.published));
create policy impact_series_points_published on public.impact_series_points for select to anon
	using (published and exists (select 1 from public.impact_series x where x.key = series_key and x.published));
create policy impact_point_translations_published on public.impact_point_translations for select to anon
	using (exists (
		select 1 from public.impact_series_points p join public.impact_series x on x.key = p.series_key
		where p.id = point_id and p.published and x.published));

-- The seed: from content/impact-facts.md. Sources as the facts file names them.
insert into public.impact_metrics (key, value, unit, qualifier, source_title, source_url, verification, published, sort) values
	('people_protected', 7300000, 'people', 'exact', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 1),
	('victims_rescued', 1775, 'people', 'plus', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 2),
	('criminals_convicted', 645, 'people', 'plus', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 3),
	('people_trained', 22000, 'people', 'plus', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 4),
	('minors_reduction', 73, 'percent', 'at_least', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 5),
	('communities', 24, 'communities', 'plus', 'IJM Canada, A Proven Solution to a Global Problem', 'https://www.ijm.ca/research', 'verified', true, 6);

insert into public.impact_metric_translations (metric_key, language, label, as_of, place, measured) values
	('people_protected', 'en', 'people protected', 'at the time of the report', 'Cambodia, the Philippines, Uganda and Guatemala', 'People sustainably protected from targeted types of violence by IJM programmes'),
	('people_protected', 'fr', 'personnes protégées', 'au moment du rapport', 'Cambodge, Philippines, Ouganda et Guatemala', 'Personnes protégées durablement contre des formes ciblées de violence par les programmes d’IJM'),
	('victims_rescued', 'en', 'victims rescued', 'at the time of the report', 'the Philippines and Cambodia', 'Victims of sex trafficking rescued with local authorities'),
	('victims_rescued', 'fr', 'victimes secourues', 'au moment du rapport', 'Philippines et Cambodge', 'Victimes de traite à des fins sexuelles secourues avec les autorités locales'),
	('criminals_convicted', 'en', 'criminals convicted', 'at the time of the report', 'the Philippines and Cambodia', 'Convictions for sex trafficking crimes'),
	('criminals_convicted', 'fr', 'criminels condamnés', 'au moment du rapport', 'Philippines et Cambodge', 'Condamnations pour des crimes de traite à des fins sexuelles'),
	('people_trained', 'en', 'people trained', 'at the time of the report', 'the Philippines and Cambodia', 'Members of the public justice sector and community trained (police, prosecutors, judges, social workers, students, faith communities, media)'),
	('people_trained', 'fr', 'personnes formées', 'au moment du rapport', 'Philippines et Cambodge', 'Membres du secteur public de la justice et de la communauté formés (police, procureurs, juges, travailleurs sociaux, étudiants, communautés de foi, médias)'),
	('minors_reduction', 'en', 'fewer minors exploited', 'at the time of the report', 'IJM areas of operation in Cambodia and the Philippines', 'Fall in the number of minors available for commercial sexual exploitation'),
	('minors_reduction', 'fr', 'moins de mineurs exploités', 'au moment du rapport', 'Zones d’intervention d’IJM au Cambodge et aux Philippines', 'Baisse du nombre de mineurs disponibles pour l’exploitation sexuelle commerciale'),
	('communities', 'en', 'communities', 'at the time of the report', 'Africa, Europe, Latin America, South Asia and Southeast Asia', 'Communities where the model is at work'),
	('communities', 'fr', 'communautés', 'au moment du rapport', 'Afrique, Europe, Amérique latine, Asie du Sud et Asie du Sud-Est', 'Communautés où le modèle est à l’œuvre');

insert into public.impact_series (key, unit, published, sort) values
	('cambodia_minors_share', 'percent', true, 1),
	('philippines_reduction', 'percent_drop', true, 2),
	('philippines_osec_rate', 'rate', true, 3);

insert into public.impact_series_translations (series_key, language, title, caption, method_note, value_label) values
	('cambodia_minors_share', 'en', 'Cambodia: minors among people in commercial sex',
		'The share of minors among people in commercial sex venues in Phnom Penh, Siem Reap and Sihanoukville fell from 15–30 % in the early 2000s to 8.16 % in 2012 and 2.2 % in 2015.',
		'The early-2000s figure is an estimate from government-reported research; 2012 and 2015 come from IJM’s sampling studies. The methods differ, so compare the later two most closely: 2012 to 2015 is a 73 % fall.',
		'Share of minors (%)'),
	('cambodia_minors_share', 'fr', 'Cambodge : part des mineurs dans le commerce du sexe',
		'La part des mineurs parmi les personnes dans les lieux de commerce du sexe de Phnom Penh, Siem Reap et Sihanoukville est passée de 15 à 30 % au début des années 2000 à 8,16 % en 2012 et à 2,2 % en 2015.',
		'Le chiffre du début des années 2000 est une estimation tirée de recherches rapportées par le gouvernement; 2012 et 2015 viennent des études d’échantillonnage d’IJM. Les méthodes diffèrent : comparez surtout les deux dernières, de 2012 à 2015 la baisse est de 73 %.',
		'Part des mineurs (%)'),
	('philippines_reduction', 'en', 'The Philippines: fall in minors available for exploitation',
		'Where IJM worked with authorities in the Philippines, the availability of minors for commercial sexual exploitation fell by 79 % in Metro Cebu (2006–2010) and by 75 % to 86 % across the cities where IJM worked.',
		'Measured by undercover counts and time-space sampling in commercial sex venues, before and after.',
		'Fall (%)'),
	('philippines_reduction', 'fr', 'Philippines : baisse des mineurs disponibles pour l’exploitation',
		'Là où IJM a travaillé avec les autorités aux Philippines, la disponibilité de mineurs pour l’exploitation sexuelle commerciale a baissé de 79 % dans la région métropolitaine de Cebu (2006–2010) et de 75 % à 86 % dans les villes où IJM a travaillé.',
		'Mesuré par des dénombrements discrets et un échantillonnage espace-temps dans les lieux de commerce du sexe, avant et après.',
		'Baisse (%)'),
	('philippines_osec_rate', 'en', 'The Philippines: the new front online',
		'Online sexual exploitation of children rose: IP addresses used for it went from 43 to 149 per 10,000 between 2014 and 2017.',
		'Per 10,000 IP addresses in the Philippines, from IJM’s 2020 study of online sexual exploitation of children.',
		'Per 10,000 IP addresses'),
	('philippines_osec_rate', 'fr', 'Philippines : le nouveau front en ligne',
		'L’exploitation sexuelle des enfants en ligne a augmenté : les adresses IP qui y servaient sont passées de 43 à 149 sur 10 000 entre 2014 et 2017.',
		'Sur 10 000 adresses IP aux Philippines, selon l’étude d’IJM de 2020 sur l’exploitation sexuelle des enfants en ligne.',
		'Sur 10 000 adresses IP');

with points (series_key, sort, value, value_low, source_title, source_url, label_en, label_fr,
	as_of_en, as_of_fr, place_en, place_fr, measured_en, measured_fr) as (
	values
	('cambodia_minors_share', 1, 30, 15, 'IJM, Cambodia study pages (government-reported research)', 'https://www.ijm.org/cambodia', 'Early 2000s', 'Début des années 2000', 'early 2000s', 'début des années 2000', 'Cambodia (up to 30 % in Phnom Penh)', 'Cambodge (jusqu’à 30 % à Phnom Penh)', 'Estimated share of minors among sex workers', 'Part estimée des mineurs parmi les travailleurs du sexe'),
	('cambodia_minors_share', 2, 8.16, null, 'IJM prevalence study (2013 report); the US TIP Report 2015 gives 8.2 %', 'https://www.ijm.org/cambodia', '2012', '2012', '2012', '2012', 'Phnom Penh, Siem Reap and Sihanoukville', 'Phnom Penh, Siem Reap et Sihanoukville', 'Share of minors among people in commercial sex venues, by sampling', 'Part des mineurs parmi les personnes dans les lieux de commerce du sexe, par échantillonnage'),
	('cambodia_minors_share', 3, 2.2, null, 'IJM 2015 assessment', 'https://www.ijm.org/cambodia', '2015', '2015', '2015', '2015', 'Phnom Penh, Siem Reap and Sihanoukville', 'Phnom Penh, Siem Reap et Sihanoukville', 'Share of minors among people in commercial sex venues (aged 15 and under: 0.1 %)', 'Part des mineurs parmi les personnes dans les lieux de commerce du sexe (15 ans et moins : 0,1 %)'),
	('philippines_reduction', 1, 79, null, 'External evaluation of Project Lantern, Crime & Justice Analysts, 2010', 'https://www.ijm.org/philippines', 'Metro Cebu', 'Cebu métropolitain', '2006 to 2010', 'de 2006 à 2010', 'Metro Cebu', 'Cebu métropolitain', 'Fall in the availability of minors for commercial sexual exploitation', 'Baisse de la disponibilité de mineurs pour l’exploitation sexuelle commerciale'),
	('philippines_reduction', 2, 86, 75, 'IJM Philippines page; IJM Australia, 2017', 'https://www.ijm.org/philippines', 'All cities where IJM worked', 'Toutes les villes où IJM a travaillé', 'by 2017', 'en 2017', 'Cities where IJM worked in the Philippines', 'Villes où IJM a travaillé aux Philippines', 'Fall in the availability of minors for commercial sexual exploitation', 'Baisse de la disponibilité de mineurs pour l’exploitation sexuelle commerciale'),
	('philippines_osec_rate', 1, 43, null, 'IJM, Online Sexual Exploitation of Children in the Philippines (2020)', 'https://www.ijm.org/philippines', '2014', '2014', '2014', '2014', 'The Philippines', 'Philippines', 'IP addresses used for online sexual exploitation of children, per 10,000', 'Adresses IP servant à l’exploitation sexuelle des enfants en ligne, sur 10 000'),
	('philippines_osec_rate', 2, 149, null, 'IJM, Online Sexual Exploitation of Children in the Philippines (2020)', 'https://www.ijm.org/philippines', '2017', '2017', '2017', '2017', 'The Philippines', 'Philippines', 'IP addresses used for online sexual exploitation of children, per 10,000', 'Adresses IP servant à l’exploitation sexuelle des enfants en ligne, sur 10 000')
), inserted as (
	insert into public.impact_series_points (series_key, sort, value, value_low, source_title, source_url, published)
	select series_key, sort, value, value_low, source_title, source_url, true from points
	returning id, series_key, sort
)
insert into public.impact_point_translations (point_id, language, label, as_of, place, measured)
select i.id, l.language,
	case l.language when 'en' then p.label_en else p.label_fr end,
	case l.language when 'en' then p.as_of_en else p.as_of_fr end,
	case l.language when 'en' then p.place_en else p.place_fr end,
	case l.language when 'en' then p.measured_en else p.measured_fr end
from inserted i
join points p on p.series_key = i.series_key and p.sort = i.sort
cross join (values ('en'), ('fr')) as l (language);

-- The home page's open campaign: the newest published petition and its count.
-- anon cannot read petitions or signatures; this answers only these three facts.
create or replace function public.petition_open_summary()
returns table (slug text, title text, signatures bigint)
language sql
stable
security definer
set search_path = ''
as $$
	select p.slug, p.title, (select count(*) from public.petition_signatures s where s.petition_id = p.id)
	from public.petitions p
	where p.status = 'published'
	order by p.created_at desc
	limit 1;
$$;
grant execute on function public.petition_open_summary() to anon;
