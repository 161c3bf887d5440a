--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: journal; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.journal (
    ordering bigint NOT NULL,
    created bigint NOT NULL,
    deleted boolean NOT NULL,
    persistence_id text NOT NULL,
    sequence_number bigint NOT NULL,
    message bytea NOT NULL,
    manifest text,
    identifier integer,
    writer_uuid text
);


--
-- Name: journal_ordering_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.journal ALTER COLUMN ordering ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.journal_ordering_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: snapshot; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.snapshot (
    persistence_id text NOT NULL,
    sequence_number bigint NOT NULL,
    created bigint NOT NULL,
    snapshot bytea,
    manifest text,
    serializer_id integer
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    ordering_id bigint NOT NULL,
    tag text NOT NULL,
    sequence_nr bigint NOT NULL,
    persistence_id text NOT NULL
);


--
-- Data for Name: journal; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (2, 639316652608541751, false, 'upstream:bench', 1, '\x7b22757073747265616d223a7b226e616d65223a2262656e6368222c22656e64706f696e7473223a5b7b2275726c223a22687474703a2f2f3132372e302e302e313a3338303831222c22776569676874223a317d5d2c2276657273696f6e223a317d7d', 'upstream-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (1, 639316652608133608, true, 'gateway-journal-warmup@127.0.0.1:38090', 1, '\x', '', 4, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (3, 639316652611014454, false, 'route:all', 1, '\x7b22726f757465223a7b226964223a22616c6c222c2270617468223a222f7b2a2a726573747d222c22757073747265616d223a2262656e6368222c2276657273696f6e223a317d7d', 'route-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (4, 639316652611275672, false, 'route:cached', 1, '\x7b22726f757465223a7b226964223a22636163686564222c2270617468223a222f6361636865642f7b2a2a726573747d222c22757073747265616d223a2262656e6368222c2272657772697465223a7b227374726970507265666978223a222f636163686564227d2c226361636865223a7b2264656661756c7454746c223a22333630303030306d73222c22616c6c6f77536574436f6f6b6965223a66616c73652c22636c7573746572223a747275652c227368617265644163726f73734964656e746974696573223a66616c73657d2c2276657273696f6e223a317d7d', 'route-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (5, 639316652617043421, false, 'route:orders', 1, '\x7b22726f757465223a7b226964223a226f7264657273222c2270617468223a222f6f72646572732f7b69647d222c22757073747265616d223a2262656e6368222c2276657273696f6e223a317d7d', 'route-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (6, 639316652617676224, false, 'route:orders', 2, '\x7b22726f757465223a7b226964223a226f7264657273222c2270617468223a222f6f72646572732f7b69647d222c22757073747265616d223a2262656e6368222c226d6574686f6473223a5b22474554225d2c2276657273696f6e223a327d7d', 'route-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (7, 639316652618068468, false, 'route:gone', 1, '\x7b22726f757465223a7b226964223a22676f6e65222c2270617468223a222f676f6e65222c22757073747265616d223a2262656e6368222c2276657273696f6e223a317d7d', 'route-upserted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');
INSERT INTO public.journal OVERRIDING SYSTEM VALUE VALUES (8, 639316652618368704, false, 'route:gone', 2, '\x7b22726f7574654964223a22676f6e65222c2276657273696f6e223a327d', 'route-deleted', 7301, '31246b836e6e4c47ba96b9cacb79c6af');


--
-- Data for Name: snapshot; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: tags; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Name: journal_ordering_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.journal_ordering_seq', 8, true);


--
-- Name: journal PK_journal; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.journal
    ADD CONSTRAINT "PK_journal" PRIMARY KEY (ordering);


--
-- Name: snapshot PK_snapshot; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.snapshot
    ADD CONSTRAINT "PK_snapshot" PRIMARY KEY (persistence_id, sequence_number);


--
-- Name: tags PK_tags; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT "PK_tags" PRIMARY KEY (ordering_id, tag);


--
-- Name: journal journal_uq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.journal
    ADD CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number);


--
-- Name: journal_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX journal_created_idx ON public.journal USING btree (created);


--
-- Name: journal_sequence_number_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX journal_sequence_number_idx ON public.journal USING btree (sequence_number);


--
-- Name: snapshot_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX snapshot_created_idx ON public.snapshot USING btree (created);


--
-- Name: snapshot_sequence_number_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX snapshot_sequence_number_idx ON public.snapshot USING btree (sequence_number);


--
-- Name: tags_persistence_id_sequence_nr_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_persistence_id_sequence_nr_idx ON public.tags USING btree (persistence_id, sequence_nr);


--
-- Name: tags_tag_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_tag_idx ON public.tags USING btree (tag);


--
-- PostgreSQL database dump complete
--


