import type { Rng } from './random';

/**
 * What the demo contact center looks like: its tenants, queues, dispositions, and the locale
 * flavour of their people and numbers.
 */

export interface TenantSpec {
	name: string;
	timezone: string;
	agents: number;
	queues: [name: string, description: string][];
	/** Codes beyond the common set; labels in `dispositionLabels`. */
	extraDispositions: string[];
}

export const tenantSpecs: TenantSpec[] = [
	{
		name: 'Acme Health',
		timezone: 'America/Chicago',
		agents: 16,
		queues: [
			['Appointments', 'Book, move and cancel clinic appointments'],
			['Billing', 'Statements, co-pays and insurance claims'],
			['Pharmacy', 'Prescription refills and delivery'],
			['Nurse Line', 'Symptom triage by registered nurses'],
			['Member Services', 'Plan membership, ID cards and coverage questions']
		],
		extraDispositions: ['APPOINTMENT_BOOKED', 'INFO_GIVEN']
	},
	{
		name: 'Borealis Telecom',
		timezone: 'Europe/Berlin',
		agents: 19,
		queues: [
			['Sales', 'New contracts, upgrades and add-ons'],
			['Support', 'Connectivity faults and device help'],
			['Billing', 'Invoices, payments and refunds'],
			['Retention', 'Cancellation requests and win-back offers'],
			['Business Support', 'Priority line for business customers'],
			['Roaming', 'Travel passes and roaming charges']
		],
		extraDispositions: ['SALE', 'CUSTOMER_RETAINED', 'TECHNICIAN_BOOKED', 'INFO_GIVEN']
	},
	{
		name: 'Coral Bank',
		timezone: 'Asia/Kolkata',
		agents: 13,
		queues: [
			['Cards', 'Debit and credit card services'],
			['Loans', 'Personal, home and vehicle loans'],
			['Fraud', 'Suspicious transactions and blocked cards'],
			['Accounts', 'Savings and current account servicing']
		],
		extraDispositions: ['SALE', 'FRAUD_REPORTED']
	}
];

export const commonDispositions = [
	'RESOLVED',
	'CALLBACK',
	'ESCALATED',
	'NO_ANSWER',
	'WRONG_NUMBER'
];

export const dispositionLabels: Record<string, string> = {
	RESOLVED: 'Resolved',
	CALLBACK: 'Callback scheduled',
	ESCALATED: 'Escalated to second line',
	NO_ANSWER: 'No answer',
	WRONG_NUMBER: 'Wrong number',
	ABANDONED: 'Abandoned in queue',
	APPOINTMENT_BOOKED: 'Appointment booked',
	INFO_GIVEN: 'Information given',
	SALE: 'Sale closed',
	CUSTOMER_RETAINED: 'Customer retained',
	TECHNICIAN_BOOKED: 'Technician booked',
	FRAUD_REPORTED: 'Fraud case opened'
};

/**
 * Locale flavour for demo people and numbers. Each tenant sits in a different country so the
 * grid shows names, E.164 numbers and time zones a supervisor there would recognise.
 */
export interface Locale {
	countryCode: string;
	firstNames: readonly string[];
	lastNames: readonly string[];
	/** National significant number of a customer's phone, without the country code. */
	phone(rng: Rng): string;
	/** Prefix of the company's own inbound numbers (DIDs); the queue id completes it. */
	didPrefix: string;
}

/** Name lists are kept as one string each so they stay compact under the formatter. */
function words(text: string): string[] {
	return text.split(' ');
}

const us: Locale = {
	countryCode: '1',
	firstNames: words(
		'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara ' +
			'Richard Susan Joseph Jessica Thomas Sarah Carlos Karen Daniel Lisa Matthew Nancy Anthony ' +
			'Betty Marcus Maria Kevin Ashley Brian Emily Tyrone Olivia Ethan Megan'
	),
	lastNames: words(
		'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez ' +
			'Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark ' +
			'Lewis Robinson Walker Young Allen King Wright Scott Nguyen Hill Flores Green'
	),
	// 555 exchanges keep demo numbers out of real subscriber ranges.
	phone: (rng) =>
		`${rng.pick(['312', '773', '872', '630', '847', '214', '512'])}555${rng.digits(4)}`,
	didPrefix: '800555'
};

const de: Locale = {
	countryCode: '49',
	firstNames: words(
		'Lukas Anna Felix Lena Jonas Sophie Maximilian Marie Leon Laura Paul Julia Finn Hannah ' +
			'Tobias Katharina Niklas Sarah Jan Lea Moritz Johanna Florian Clara Stefan Sabine Andreas ' +
			'Petra Emre Aylin Matthias Ines Sebastian Greta Mehmet Nina'
	),
	lastNames: words(
		'Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch ' +
			'Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann ' +
			'Hartmann Lange Schmitt Werner Krause Meier Lehmann Yılmaz Kaya Köhler Vogel Jung Otto'
	),
	phone: (rng) =>
		rng.chance(0.7)
			? `${rng.pick(['151', '152', '160', '170', '171', '176'])}${rng.digits(8)}`
			: `${rng.pick(['30', '40', '89', '221', '69'])}${rng.digits(7)}`,
	didPrefix: '30901'
};

const india: Locale = {
	countryCode: '91',
	firstNames: words(
		'Aarav Priya Vivaan Ananya Aditya Diya Arjun Isha Rohan Kavya Sai Meera Karthik Lakshmi ' +
			'Rahul Pooja Vikram Neha Sanjay Sneha Amit Divya Harish Anjali Rajesh Swati Farhan Ayesha ' +
			'Gurpreet Simran Nikhil Shreya Manoj Deepa Suresh Tanvi'
	),
	lastNames: words(
		'Sharma Verma Gupta Patel Reddy Iyer Nair Menon Rao Das Singh Kumar Mehta Joshi Chopra ' +
			'Kapoor Banerjee Chatterjee Mukherjee Pillai Desai Shah Bhat Kulkarni Agarwal Malhotra ' +
			'Khan Qureshi Gill Sandhu Naidu Hegde Saxena Mishra Pandey Bose'
	),
	phone: (rng) => `${rng.pick(['98', '97', '99', '90', '88', '70', '63'])}${rng.digits(8)}`,
	didPrefix: '80471'
};

/** Locale for a tenant, from its IANA zone: enough for three demo tenants and a sane default. */
export function localeForZone(timezone: string): Locale {
	if (timezone.startsWith('Europe/')) return de;
	if (timezone === 'Asia/Kolkata' || timezone === 'Asia/Calcutta') return india;
	return us;
}

export function personName(rng: Rng, locale: Locale): string {
	return `${rng.pick(locale.firstNames)} ${rng.pick(locale.lastNames)}`;
}

export function e164(locale: Locale, national: string): string {
	return `+${locale.countryCode}${national}`;
}

/** A stable DID per queue, so the same queue always shows the same inbound number. */
export function didForQueue(locale: Locale, queueId: number): string {
	return `+${locale.countryCode}${locale.didPrefix}${String(queueId % 10000).padStart(4, '0')}`;
}

const mailDomains = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];

/** ASCII mailbox from a name (mail addresses in demo data should not need IDN handling). */
export function emailFor(rng: Rng, name: string): string {
	const ascii = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/ı/g, 'i')
		.toLowerCase()
		.replace(/[^a-z ]/g, '');
	const [first, last] = ascii.split(' ');
	const local = rng.pick([`${first}.${last}`, `${first[0]}${last}`, `${first}${rng.int(1, 99)}`]);
	return `${local}@${rng.pick(mailDomains)}`;
}
